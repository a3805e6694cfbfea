//! Which search_outbox rows an index has taken in. On PostgreSQL a row can become visible after
//! rows with higher ids were applied (ids come from a sequence, transactions commit in any
//! order), so the cursor keeps the ids it stepped over as holes and reads them again until they
//! fill, until no transaction that could fill them is left, or at worst for HOLE_PATIENCE.

use std::time::{Duration, Instant};

/// How long a hole is read again while some old transaction stays open (a forgotten session);
/// then it is given up with a warning, and `solex reindex` repairs what it held.
pub(super) const HOLE_PATIENCE: Duration = Duration::from_secs(15 * 60);
/// Holes kept at most; beyond this the oldest are given up (each is one range in the query).
const MAX_HOLES: usize = 100;
/// A hole whose sighting time on the database clock is not known yet.
const UNSTAMPED: i64 = i64::MAX;

/// Every id up to `last` is applied, except the ids in `holes`.
#[derive(Debug, Clone, Default)]
pub(super) struct Cursor {
    pub last: i64,
    holes: Vec<Hole>,
}

#[derive(Debug, Clone)]
struct Hole {
    from: i64,
    to: i64,
    /// When the hole was seen, on the database clock (`search_outbox::clock`).
    seen: i64,
    seen_at: Instant,
}

impl Cursor {
    /// A cursor as saved in an index's commit payload; its holes count as seen at `now`
    /// (database clock), which only makes them wait longer.
    pub fn saved(last: i64, holes: &[(i64, i64)], now: i64) -> Cursor {
        let at = Instant::now();
        Cursor { last, holes: holes.iter().map(|&(from, to)| Hole { from, to, seen: now, seen_at: at }).collect() }
    }

    /// The cursor of a fresh index that read the outbox up to `last`, seeing `ids` (ascending)
    /// after `window_start`: the ids missing there may still commit.
    pub fn rebuilt(window_start: i64, ids: &[i64], last: i64) -> Cursor {
        let mut c = Cursor { last: window_start.max(0), holes: Vec::new() };
        for &id in ids {
            c.take(id);
        }
        c.last = c.last.max(last);
        c
    }

    /// The holes as inclusive id ranges, to read again and to save.
    pub fn holes(&self) -> Vec<(i64, i64)> {
        self.holes.iter().map(|h| (h.from, h.to)).collect()
    }

    /// Whether the row with this id has been taken in.
    pub fn covers(&self, id: i64) -> bool {
        id <= self.last && !self.holes.iter().any(|h| (h.from..=h.to).contains(&id))
    }

    /// Records an applied id: beyond `last` it moves `last` and leaves a hole over any ids
    /// skipped; inside a hole it fills that id.
    pub fn take(&mut self, id: i64) {
        if id > self.last {
            if id > self.last + 1 {
                self.holes.push(Hole { from: self.last + 1, to: id - 1, seen: UNSTAMPED, seen_at: Instant::now() });
            }
            self.last = id;
            return;
        }
        if let Some(i) = self.holes.iter().position(|h| (h.from..=h.to).contains(&id)) {
            let h = self.holes.remove(i);
            if id < h.to {
                self.holes.insert(i, Hole { from: id + 1, ..h.clone() });
            }
            if id > h.from {
                self.holes.insert(i, Hole { to: id - 1, ..h });
            }
        }
    }

    pub fn needs_stamp(&self) -> bool {
        self.holes.iter().any(|h| h.seen == UNSTAMPED)
    }

    /// Dates new holes on the database clock, read after the rows that revealed them.
    pub fn stamp(&mut self, now: i64) {
        for h in self.holes.iter_mut().filter(|h| h.seen == UNSTAMPED) {
            h.seen = now;
        }
    }

    /// Drops the holes seen at or before `settled_before` (no transaction that could fill them
    /// is open; the caller has read them again since), and returns those given up instead:
    /// waited on for longer than `patience`, or the oldest beyond MAX_HOLES.
    pub fn settle(&mut self, settled_before: i64, patience: Duration) -> Vec<(i64, i64)> {
        self.holes.retain(|h| h.seen > settled_before);
        let mut given_up: Vec<(i64, i64)> = Vec::new();
        self.holes.retain(|h| {
            let keep = h.seen_at.elapsed() <= patience;
            if !keep {
                given_up.push((h.from, h.to));
            }
            keep
        });
        if self.holes.len() > MAX_HOLES {
            let excess = self.holes.len() - MAX_HOLES;
            given_up.extend(self.holes.drain(..excess).map(|h| (h.from, h.to)));
        }
        given_up
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LONG: Duration = Duration::from_secs(3600);

    #[test]
    fn ids_taken_out_of_order_leave_holes_that_fill() {
        let mut c = Cursor::default();
        for id in [1, 2, 5, 9] {
            c.take(id);
        }
        assert_eq!(c.last, 9);
        assert_eq!(c.holes(), vec![(3, 4), (6, 8)]);
        assert!(c.covers(5) && !c.covers(3) && !c.covers(10));
        c.take(7);
        c.take(3);
        assert_eq!(c.holes(), vec![(4, 4), (6, 6), (8, 8)]);
        c.take(4);
        assert_eq!(c.holes(), vec![(6, 6), (8, 8)]);
        c.take(2);
        assert_eq!(c.holes(), vec![(6, 6), (8, 8)], "an id applied before changes nothing");
    }

    #[test]
    fn holes_settle_only_once_no_transaction_older_than_their_sighting_is_open() {
        let mut c = Cursor::default();
        c.take(1);
        c.take(3);
        assert!(c.needs_stamp());
        c.stamp(1_000);
        assert!(!c.needs_stamp());
        assert!(c.settle(999, LONG).is_empty());
        assert_eq!(c.holes(), vec![(2, 2)], "a transaction begun before the sighting is still open");
        assert!(c.settle(1_000, LONG).is_empty());
        assert_eq!(c.holes(), vec![], "every transaction that could fill it has ended");
    }

    #[test]
    fn unstamped_holes_never_settle_on_postgres_time_and_old_ones_are_given_up() {
        let mut c = Cursor::default();
        c.take(2);
        assert!(c.settle(1_000_000, LONG).is_empty());
        assert_eq!(c.holes(), vec![(1, 1)]);
        c.stamp(5);
        assert_eq!(c.settle(0, Duration::ZERO), vec![(1, 1)], "patience over");
        let mut c = Cursor::default();
        for i in 0..=MAX_HOLES as i64 {
            c.take(2 * i + 2);
        }
        c.stamp(5);
        assert_eq!(c.settle(0, LONG), vec![(1, 1)], "the oldest beyond the limit");
    }

    #[test]
    fn a_rebuild_and_a_saved_payload_keep_the_holes() {
        let c = Cursor::rebuilt(10, &[11, 12, 15, 16], 16);
        assert_eq!((c.last, c.holes()), (16, vec![(13, 14)]));
        assert!(c.needs_stamp());
        let c = Cursor::rebuilt(-5, &[], 0);
        assert_eq!((c.last, c.holes()), (0, vec![]));
        let c = Cursor::saved(16, &[(13, 14)], 7);
        assert!(!c.needs_stamp() && !c.covers(13) && c.covers(15));
    }
}
