//! A minimal TFTP server (RFC 1350, octet read requests, one transfer at a time)
//! serving a directory on 127.0.0.1 at a free port from a thread of the test, so
//! the `phone --tftp` tests need neither root nor an installed daemon. A missing
//! file gets ERROR 1 "File not found", as CUCM's TFTP service answers.
//!
//! Same shape as the suite's shared test server (`TestServer::start`, `port`), to be
//! replaced by it once that lands on main.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::net::{SocketAddr, UdpSocket};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::{self, JoinHandle};
use std::time::Duration;

/// A running server, stopped on drop.
pub struct TestServer {
    port: u16,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl TestServer {
    /// Serves the files directly under `root` on 127.0.0.1 at a free port.
    pub fn start(root: &Path) -> Self {
        let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
        socket
            .set_read_timeout(Some(Duration::from_millis(20)))
            .unwrap();
        let port = socket.local_addr().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let root = root.to_owned();
        let thread = thread::spawn(move || {
            let mut buf = [0u8; 1024];
            while !flag.load(Ordering::SeqCst) {
                let Ok((n, peer)) = socket.recv_from(&mut buf) else {
                    continue;
                };
                serve(&root, &buf[..n], peer);
            }
        });
        Self {
            port,
            stop,
            thread: Some(thread),
        }
    }

    /// The UDP port.
    pub fn port(&self) -> u16 {
        self.port
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn error(sock: &UdpSocket, peer: SocketAddr, code: u16, text: &str) {
    let mut p = vec![0, 5];
    p.extend_from_slice(&code.to_be_bytes());
    p.extend_from_slice(text.as_bytes());
    p.push(0);
    let _ = sock.send_to(&p, peer);
}

/// Answers one read request from a new socket (the transfer ID).
fn serve(root: &Path, req: &[u8], peer: SocketAddr) {
    let sock = UdpSocket::bind("127.0.0.1:0").unwrap();
    sock.set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    if req.get(..2) != Some(&[0, 1]) {
        return error(&sock, peer, 4, "Illegal TFTP operation");
    }
    let name = req[2..].split(|&b| b == 0).next().unwrap_or_default();
    let name = String::from_utf8_lossy(name).into_owned();
    if name.contains('/') || name.contains("..") {
        return error(&sock, peer, 2, "Access violation");
    }
    let path: PathBuf = root.join(&name);
    let Ok(bytes) = std::fs::read(&path) else {
        return error(&sock, peer, 1, "File not found");
    };
    let mut block: u16 = 1;
    let mut chunks: Vec<&[u8]> = bytes.chunks(512).collect();
    if bytes.len() % 512 == 0 {
        chunks.push(&[]);
    }
    for chunk in chunks {
        let mut p = vec![0, 3];
        p.extend_from_slice(&block.to_be_bytes());
        p.extend_from_slice(chunk);
        let mut acked = false;
        for _ in 0..5 {
            sock.send_to(&p, peer).unwrap();
            let mut ack = [0u8; 16];
            if let Ok((n, from)) = sock.recv_from(&mut ack)
                && from == peer
                && n >= 4
                && ack[..2] == [0, 4]
                && ack[2..4] == block.to_be_bytes()
            {
                acked = true;
                break;
            }
        }
        if !acked {
            return;
        }
        block = block.wrapping_add(1);
    }
}
