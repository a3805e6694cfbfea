//! A deadline on reading request bodies. Every body extractor (forms, multipart, JSON, the
//! inbound mail endpoint) reads the payload this middleware wraps, so a body that trickles in
//! is cut off after `body_timeout_secs` (plus a second per `GRACE_BYTES` received, so a large
//! upload on a slow line still arrives) and answered 408. A small body left unread (a form
//! refused before it was read) is read to its end after the answer, within the same deadline,
//! so closing or reusing the connection never meets unread bytes: the kernel answers a close
//! over unread data with a reset, and the client can lose the answer already sent. A large
//! one (or one cut off) is not drained: `observe` closes the connection instead.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};
use std::time::Duration;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::error::PayloadError;
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::rt::time::{sleep_until, Instant, Sleep};
use actix_web::web::{self, Bytes};
use actix_web::HttpMessage;
use futures_util::Stream;

use crate::error::AppError;
use crate::web::AppState;

/// Bytes that buy one more second of reading time: 16 KiB/s is a slow mobile line.
const GRACE_BYTES: u64 = 16 * 1024;

/// The largest declared body read to its end when the handler left it unread (a form).
const DRAIN_MAX: u64 = 64 * 1024;

/// Whether the body was read to its end; `observe` closes a connection whose body was not,
/// rather than reading (and discarding) the rest of it.
#[derive(Clone, Default)]
pub struct BodyRead(Rc<Cell<bool>>);

impl BodyRead {
    pub fn finished(&self) -> bool {
        self.0.get()
    }
}

struct Deadline {
    /// Shared with the middleware, which may read what the handler left.
    inner: Rc<RefCell<Payload>>,
    read: BodyRead,
    started: Instant,
    base: Duration,
    received: u64,
    sleep: Pin<Box<Sleep>>,
    timed_out: Rc<Cell<bool>>,
}

impl Deadline {
    fn due(&self) -> Instant {
        self.started + self.base + Duration::from_secs(self.received / GRACE_BYTES)
    }
}

impl Stream for Deadline {
    type Item = Result<Bytes, PayloadError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.timed_out.get() {
            return Poll::Ready(None);
        }
        let polled = Pin::new(&mut *self.inner.borrow_mut()).poll_next(cx);
        match polled {
            Poll::Ready(Some(Ok(chunk))) => {
                self.received += chunk.len() as u64;
                let due = self.due();
                self.sleep.as_mut().reset(due);
                Poll::Ready(Some(Ok(chunk)))
            }
            Poll::Ready(None) => {
                self.read.0.set(true);
                Poll::Ready(None)
            }
            Poll::Pending => match self.sleep.as_mut().poll(cx) {
                Poll::Ready(()) => {
                    self.timed_out.set(true);
                    Poll::Ready(Some(Err(PayloadError::Io(std::io::Error::new(std::io::ErrorKind::TimedOut, "the request body arrived too slowly")))))
                }
                Poll::Pending => Poll::Pending,
            },
            other => other,
        }
    }
}

/// The declared length of a body, if it declares one.
fn declared_length(req: &ServiceRequest) -> Option<u64> {
    req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse().ok())
}

fn has_body(req: &ServiceRequest) -> bool {
    let declared = req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).is_some_and(|v| v.trim() != "0");
    declared || req.headers().contains_key(header::TRANSFER_ENCODING)
}

pub async fn body_deadline(mut req: ServiceRequest, next: Next<impl MessageBody + 'static>) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let secs = req.app_data::<web::Data<AppState>>().map(|s| s.config.body_timeout_secs);
    let (Some(secs), true) = (secs, has_body(&req)) else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let timed_out = Rc::new(Cell::new(false));
    let started = Instant::now();
    let base = Duration::from_secs(secs);
    let read = BodyRead::default();
    req.extensions_mut().insert(read.clone());
    let small = declared_length(&req).is_some_and(|n| n <= DRAIN_MAX);
    let inner = Rc::new(RefCell::new(req.take_payload()));
    let deadline = |inner: Rc<RefCell<Payload>>, read: BodyRead| Deadline { inner, read, started, base, received: 0, sleep: Box::pin(sleep_until(started + base)), timed_out: timed_out.clone() };
    let stream = deadline(inner.clone(), read.clone());
    req.set_payload(Payload::from(Box::pin(stream) as Pin<Box<dyn Stream<Item = Result<Bytes, PayloadError>>>>));
    let res = next.call(req).await?;
    if small && !read.finished() && !timed_out.get() {
        let mut rest = deadline(inner, read);
        while let Some(Ok(_)) = std::future::poll_fn(|cx| Pin::new(&mut rest).poll_next(cx)).await {}
    }
    if timed_out.get() {
        let (http_req, _) = res.into_parts();
        return Ok(ServiceResponse::from_err(AppError::BodyTimeout, http_req));
    }
    Ok(res.map_into_boxed_body())
}
