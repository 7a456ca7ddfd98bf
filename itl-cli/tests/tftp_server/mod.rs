//! A small TFTP server (RFC 1350, read requests only) for the tests: it serves
//! a directory on 127.0.0.1 at a free port, from a thread of the test process,
//! so the TFTP tests need neither root nor an installed daemon.
//!
//! It behaves as tftpd-hpa does for what the client uses: each transfer gets
//! its own socket (its transfer ID), 512-byte DATA blocks (a file that is an
//! exact multiple of 512 ends with an empty block), a DATA block is sent again
//! when its ACK does not come, packets from another port get ERROR 5, a
//! missing file gets ERROR 1 "File not found", a name leaving the directory
//! gets ERROR 2 "Access violation", and any mode other than octet or netascii
//! gets ERROR 4. Netascii is served as octet (the client never asks for it).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::net::{SocketAddr, UdpSocket};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::{self, JoinHandle};
use std::time::Duration;

const BLOCK: usize = 512;
/// How long the server waits for an ACK before sending a DATA block again.
const RESEND_AFTER: Duration = Duration::from_millis(500);
/// How many times a DATA block is sent in all before the transfer is dropped.
const TRIES: u32 = 5;

/// A running server; stopped (and its port freed) by [`TestServer::stop`] or on drop.
pub struct TestServer {
    port: u16,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl TestServer {
    /// Serves the files under `root` on 127.0.0.1 at a free port.
    pub fn start(root: &Path) -> Self {
        let socket =
            UdpSocket::bind("127.0.0.1:0").expect("bind 127.0.0.1:0 for the test TFTP server");
        socket
            .set_read_timeout(Some(Duration::from_millis(20)))
            .unwrap();
        let port = socket.local_addr().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        let root = root.to_owned();
        let flag = Arc::clone(&stop);
        let thread = thread::spawn(move || listen(&socket, &root, &flag));
        Self {
            port,
            stop,
            thread: Some(thread),
        }
    }

    /// The UDP port of the server's well-known socket.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Stops listening and closes the socket: later requests go unanswered.
    pub fn stop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            t.join().expect("test TFTP server thread");
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.stop();
    }
}

fn listen(socket: &UdpSocket, root: &Path, stop: &AtomicBool) {
    let mut buf = [0u8; 1024];
    while !stop.load(Ordering::SeqCst) {
        let Ok((n, client)) = socket.recv_from(&mut buf) else {
            continue;
        };
        let request = buf[..n].to_vec();
        let root = root.to_owned();
        let stop_now = stop.load(Ordering::SeqCst);
        if stop_now {
            break;
        }
        // Each transfer runs on its own socket and thread, as a real server's.
        thread::spawn(move || serve(&request, client, &root));
    }
}

/// Answers one request from `client`.
fn serve(request: &[u8], client: SocketAddr, root: &Path) {
    let socket = UdpSocket::bind("127.0.0.1:0").expect("bind a transfer socket");
    let reply = |code: u16, text: &str| {
        let _ = socket.send_to(&error_packet(code, text), client);
    };
    let Some((name, mode)) = parse_rrq(request) else {
        return reply(4, "Illegal TFTP operation");
    };
    if !mode.eq_ignore_ascii_case("octet") && !mode.eq_ignore_ascii_case("netascii") {
        return reply(4, "Unknown mode");
    }
    let Some(path) = resolve(root, &name) else {
        return reply(2, "Access violation");
    };
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return reply(1, "File not found"),
        Err(_) => return reply(2, "Access violation"),
    };
    send_file(&socket, client, &bytes);
}

/// `name` and `mode` of a read request, or `None` for anything else.
fn parse_rrq(p: &[u8]) -> Option<(String, String)> {
    let rest = p.strip_prefix(&[0, 1])?;
    let mut parts = rest.split(|&b| b == 0);
    let name = String::from_utf8(parts.next()?.to_vec()).ok()?;
    let mode = String::from_utf8(parts.next()?.to_vec()).ok()?;
    (!name.is_empty() && rest.last() == Some(&0)).then_some((name, mode))
}

/// The file under `root` that `name` means, if it stays inside `root`.
fn resolve(root: &Path, name: &str) -> Option<PathBuf> {
    let rel = Path::new(name.trim_start_matches('/'));
    rel.components()
        .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
        .then(|| root.join(rel))
}

fn send_file(socket: &UdpSocket, client: SocketAddr, bytes: &[u8]) {
    socket.set_read_timeout(Some(RESEND_AFTER)).unwrap();
    // Blocks 1..=n; the last one is shorter than 512 bytes (possibly empty).
    let count = bytes.len() / BLOCK + 1;
    for (i, payload) in (0..count).map(|i| (i, &bytes[i * BLOCK..bytes.len().min((i + 1) * BLOCK)]))
    {
        let block = u16::try_from((i + 1) % 65_536).unwrap();
        let packet = data_packet(block, payload);
        if !send_until_acked(socket, client, &packet, block) {
            return;
        }
    }
}

/// Sends `packet` until `client` acknowledges `block`; false if it never does.
fn send_until_acked(socket: &UdpSocket, client: SocketAddr, packet: &[u8], block: u16) -> bool {
    let mut buf = [0u8; 1024];
    for _ in 0..TRIES {
        if socket.send_to(packet, client).is_err() {
            return false;
        }
        loop {
            match socket.recv_from(&mut buf) {
                Ok((n, from)) if from != client => {
                    let _ = socket.send_to(&error_packet(5, "Unknown transfer ID"), from);
                    let _ = n;
                }
                Ok((n, _)) => {
                    let p = &buf[..n];
                    if p.len() >= 4 && p[..2] == [0, 4] && p[2..4] == block.to_be_bytes() {
                        return true;
                    }
                    if p.len() >= 2 && p[..2] == [0, 5] {
                        return false;
                    }
                    // A duplicate ACK of an earlier block: keep waiting.
                }
                Err(_) => break,
            }
        }
    }
    false
}

fn data_packet(block: u16, payload: &[u8]) -> Vec<u8> {
    let mut p = vec![0, 3];
    p.extend_from_slice(&block.to_be_bytes());
    p.extend_from_slice(payload);
    p
}

fn error_packet(code: u16, text: &str) -> Vec<u8> {
    let mut p = vec![0, 5];
    p.extend_from_slice(&code.to_be_bytes());
    p.extend_from_slice(text.as_bytes());
    p.push(0);
    p
}
