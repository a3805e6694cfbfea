//! Turns off Nagle's algorithm on this process's connections to the SMTP server.
//!
//! lettre 0.11 writes a message's body and its closing "\r\n.\r\n" as two writes and never sets
//! TCP_NODELAY (fixed upstream in lettre pull request 1159, not in a release yet). Nagle then
//! holds the five closing bytes until the server acknowledges the body, which a delayed ACK
//! puts off by about 40 ms: every message costs 40 ms, and a process killed in that pause
//! still sends the held bytes as its socket closes, so the server takes a message the sender
//! never saw accepted and sends it again later. lettre does not expose its sockets, so the
//! sender finds them among the process's open descriptors by their peer address. Remove this
//! module once lettre sets the option itself.

use std::net::{SocketAddr, ToSocketAddrs};

/// The addresses the SMTP url resolves to.
pub fn smtp_peers(smtp_url: &str) -> Vec<SocketAddr> {
    let Ok(url) = url::Url::parse(smtp_url) else { return vec![] };
    let Some(host) = url.host_str() else { return vec![] };
    let port = url.port().unwrap_or(if url.scheme() == "smtps" { 465 } else { 25 });
    (host, port).to_socket_addrs().map(|a| a.collect()).unwrap_or_default()
}

/// Sets TCP_NODELAY on every open TCP connection to one of `peers`.
#[cfg(target_os = "linux")]
pub fn sweep(peers: &[SocketAddr]) {
    use std::mem::ManuallyDrop;
    use std::os::fd::FromRawFd;
    if peers.is_empty() {
        return;
    }
    let Ok(fds) = std::fs::read_dir("/proc/self/fd") else { return };
    for entry in fds.flatten() {
        let is_socket = std::fs::read_link(entry.path()).is_ok_and(|t| t.to_string_lossy().starts_with("socket:"));
        let Some(fd) = entry.file_name().to_str().and_then(|n| n.parse::<i32>().ok()) else { continue };
        if !is_socket {
            continue;
        }
        // SAFETY: the descriptor is only borrowed (ManuallyDrop never closes it); asking a
        // socket that is not TCP for its peer or setting TCP_NODELAY on it fails harmlessly.
        let stream = ManuallyDrop::new(unsafe { std::net::TcpStream::from_raw_fd(fd) });
        if stream.peer_addr().is_ok_and(|p| peers.contains(&p)) {
            let _ = stream.set_nodelay(true);
        }
    }
}

#[cfg(not(target_os = "linux"))]
pub fn sweep(_peers: &[SocketAddr]) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connections_to_the_smtp_server_get_nodelay_and_others_do_not() {
        let server = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let other = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let to_smtp = std::net::TcpStream::connect(server.local_addr().unwrap()).unwrap();
        let to_other = std::net::TcpStream::connect(other.local_addr().unwrap()).unwrap();
        let peers = smtp_peers(&format!("smtp://127.0.0.1:{}", server.local_addr().unwrap().port()));
        assert_eq!(peers, vec![server.local_addr().unwrap()]);
        sweep(&peers);
        assert!(to_smtp.nodelay().unwrap());
        assert!(!to_other.nodelay().unwrap());
    }
}
