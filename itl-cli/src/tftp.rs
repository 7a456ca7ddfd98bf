//! A TFTP client (RFC 1350), enough to fetch trust lists the way a phone does:
//! a read request in octet (binary) mode, 512-byte DATA blocks, no options.
//!
//! The transfer follows RFC 1350: the server answers from a new port (its
//! transfer ID, TID), which is fixed by its first DATA or ERROR packet;
//! packets from any other port are answered with ERROR 5 and otherwise
//! ignored. Every DATA block is acknowledged; a DATA shorter than 512 bytes
//! ends the transfer. When nothing arrives for a while, the last packet sent
//! (the request or the last ACK) is sent again, up to [`Options::tries`] times
//! in all within [`Options::timeout`]. A duplicate of the previous block (our
//! ACK was lost) is acknowledged again and never stored twice. The total size
//! is capped at [`itl_core::MAX_FILE_SIZE`].

use std::fmt;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, ToSocketAddrs, UdpSocket};
use std::time::{Duration, Instant};

/// The well-known TFTP port.
pub const DEFAULT_PORT: u16 = 69;
/// How long a server may stay silent before a transfer is given up.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);
/// How many times a packet is sent in all (the first time and the retransmissions).
pub const DEFAULT_TRIES: u32 = 5;

/// The DATA block size of RFC 1350.
const BLOCK: usize = 512;
const OP_RRQ: u16 = 1;
const OP_DATA: u16 = 3;
const OP_ACK: u16 = 4;
const OP_ERROR: u16 = 5;

/// TFTP error code 1, "File not found".
pub const ERROR_FILE_NOT_FOUND: u16 = 1;

/// Transfer settings.
#[derive(Clone, Debug)]
pub struct Options {
    /// Give up when the server has been silent this long.
    pub timeout: Duration,
    /// Send each packet this many times in all; the wait between two sends is
    /// `timeout / tries`.
    pub tries: u32,
    /// Refuse files larger than this many bytes.
    pub max_size: usize,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            timeout: DEFAULT_TIMEOUT,
            tries: DEFAULT_TRIES,
            max_size: itl_core::MAX_FILE_SIZE,
        }
    }
}

/// Why a TFTP transfer failed. Each message is one line.
#[derive(Debug)]
#[non_exhaustive]
pub enum TftpError {
    /// The text is not of the form `tftp://HOST[:PORT]/NAME` or `HOST[:PORT]`.
    BadAddress {
        /// What was given.
        given: String,
        /// What is wrong with it.
        reason: &'static str,
        /// The form expected.
        expected: &'static str,
    },
    /// The file name cannot be sent in a read request.
    BadName {
        /// The name.
        name: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The host name did not resolve.
    UnknownHost {
        /// The host.
        host: String,
        /// What the resolver said.
        reason: String,
    },
    /// A local socket operation failed.
    Socket(io::Error),
    /// The server never answered the request.
    NoAnswer {
        /// The server.
        server: SocketAddr,
        /// How long it was silent.
        timeout: Duration,
        /// How many requests were sent.
        tries: u32,
    },
    /// The server stopped sending in the middle of the file.
    Stalled {
        /// The server.
        server: SocketAddr,
        /// How long it was silent.
        timeout: Duration,
        /// Bytes received before it stopped.
        received: usize,
    },
    /// The server sent an ERROR packet.
    Server {
        /// The TFTP error code (1 = file not found, 2 = access violation, …).
        code: u16,
        /// The server's text, made printable.
        message: String,
        /// Bytes received before the error.
        received: usize,
    },
    /// The file is larger than [`Options::max_size`].
    TooLarge {
        /// The limit.
        limit: usize,
    },
    /// The server sent a packet that breaks the protocol.
    Protocol {
        /// What was wrong.
        what: String,
        /// Bytes received before it.
        received: usize,
    },
}

impl TftpError {
    /// True for the server's "File not found" (TFTP error code 1).
    pub fn is_not_found(&self) -> bool {
        matches!(self, Self::Server { code, .. } if *code == ERROR_FILE_NOT_FOUND)
    }
}

/// `5 s`, `0.5 s`.
fn seconds(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{} s", d.as_secs())
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

impl fmt::Display for TftpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BadAddress {
                reason, expected, ..
            } => write!(f, "not a TFTP address: {reason} (expected {expected})"),
            Self::BadName { name, reason } => write!(f, "file name \"{name}\": {reason}"),
            Self::UnknownHost { host, reason } => write!(f, "unknown host \"{host}\" ({reason})"),
            Self::Socket(e) => write!(f, "network error: {e}"),
            Self::NoAnswer {
                server,
                timeout,
                tries,
            } => write!(
                f,
                "no answer from TFTP server {server} within {} ({tries} requests sent); is the server running and the port right?",
                seconds(*timeout)
            ),
            Self::Stalled {
                server,
                timeout,
                received,
            } => write!(
                f,
                "transfer ended short: {server} sent nothing for {} after byte {received}",
                seconds(*timeout)
            ),
            Self::Server {
                code,
                message,
                received,
            } => {
                let text = if message.is_empty() {
                    standard_error_text(*code)
                } else {
                    message
                };
                write!(f, "TFTP error {code} from server: {text}")?;
                if *received > 0 {
                    write!(f, " (after byte {received})")?;
                }
                Ok(())
            }
            Self::TooLarge { limit } => write!(
                f,
                "file is over the {limit}-byte limit; transfer stopped (not an ITL/CTL file)"
            ),
            Self::Protocol { what, received } => {
                write!(f, "TFTP protocol error after byte {received}: {what}")
            }
        }
    }
}

impl std::error::Error for TftpError {}

/// The RFC 1350 text of an error code.
fn standard_error_text(code: u16) -> &'static str {
    match code {
        0 => "Not defined",
        1 => "File not found",
        2 => "Access violation",
        3 => "Disk full or allocation exceeded",
        4 => "Illegal TFTP operation",
        5 => "Unknown transfer ID",
        6 => "File already exists",
        7 => "No such user",
        _ => "unknown error code",
    }
}

/// A parsed `tftp://HOST[:PORT]/NAME`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TftpUrl {
    /// Host name or IP address (without brackets).
    pub host: String,
    /// UDP port.
    pub port: u16,
    /// File name, sent to the server exactly as written (no percent-decoding).
    pub name: String,
}

/// True if `s` starts with `tftp://` (any case).
pub fn is_tftp_url(s: &str) -> bool {
    s.get(..7)
        .is_some_and(|p| p.eq_ignore_ascii_case("tftp://"))
}

impl TftpUrl {
    /// Parses `tftp://HOST[:PORT]/NAME`; IPv6 hosts go in brackets.
    pub fn parse(url: &str) -> Result<Self, TftpError> {
        let bad = |reason| TftpError::BadAddress {
            given: url.to_owned(),
            reason,
            expected: "tftp://HOST[:PORT]/NAME",
        };
        let rest = match url.get(7..) {
            Some(rest) if is_tftp_url(url) => rest,
            _ => return Err(bad("it does not start with tftp://")),
        };
        let (authority, name) = rest
            .split_once('/')
            .ok_or_else(|| bad("no file name after the host"))?;
        if name.is_empty() {
            return Err(bad("no file name after the host"));
        }
        let (host, port) = parse_host_port(authority).map_err(|e| match e {
            TftpError::BadAddress { reason, .. } => bad(reason),
            other => other,
        })?;
        Ok(Self {
            host,
            port,
            name: name.to_owned(),
        })
    }

    /// The last part of the name after any `/`, if it can name a local file.
    pub fn file_name(&self) -> Option<&str> {
        let base = self.name.rsplit('/').next()?;
        (!base.is_empty() && base != "." && base != "..").then_some(base)
    }
}

impl fmt::Display for TftpUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.host.contains(':') {
            write!(f, "tftp://[{}]:{}/{}", self.host, self.port, self.name)
        } else {
            write!(f, "tftp://{}:{}/{}", self.host, self.port, self.name)
        }
    }
}

/// Parses `HOST`, `HOST:PORT`, `[IPV6]`, `[IPV6]:PORT` or a bare IPv6 address;
/// the port defaults to 69.
pub fn parse_host_port(s: &str) -> Result<(String, u16), TftpError> {
    let bad = |reason| TftpError::BadAddress {
        given: s.to_owned(),
        reason,
        expected: "HOST[:PORT]",
    };
    let (host, port) = if let Some(inner) = s.strip_prefix('[') {
        let (host, after) = inner
            .split_once(']')
            .ok_or_else(|| bad("missing ] after an IPv6 address"))?;
        if host.parse::<Ipv6Addr>().is_err() {
            return Err(bad("not an IPv6 address inside [ ]"));
        }
        match after {
            "" => (host, None),
            _ => match after.strip_prefix(':') {
                Some(port) => (host, Some(port)),
                None => return Err(bad("unexpected text after ]")),
            },
        }
    } else if s.matches(':').count() > 1 {
        if s.parse::<Ipv6Addr>().is_err() {
            return Err(bad("not a host, host:port or IPv6 address"));
        }
        (s, None)
    } else {
        match s.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (s, None),
        }
    };
    if host.is_empty() {
        return Err(bad("no host"));
    }
    if host.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad("space or control character in the host"));
    }
    let port = match port {
        None => DEFAULT_PORT,
        Some(p) => match p.parse::<u16>() {
            Ok(n) if n != 0 && p.bytes().all(|b| b.is_ascii_digit()) => n,
            _ => return Err(bad("the port is not a number from 1 to 65535")),
        },
    };
    Ok((host.to_owned(), port))
}

/// Resolves a host name or address to the first socket address it has.
pub fn resolve(host: &str, port: u16) -> Result<SocketAddr, TftpError> {
    let unknown = |reason: String| TftpError::UnknownHost {
        host: host.to_owned(),
        reason,
    };
    let mut addrs = (host, port)
        .to_socket_addrs()
        .map_err(|e| unknown(e.to_string()))?;
    addrs
        .next()
        .ok_or_else(|| unknown("it has no address".to_owned()))
}

/// Downloads `url` in octet mode.
pub fn get(url: &TftpUrl, options: &Options) -> Result<Vec<u8>, TftpError> {
    let server = resolve(&url.host, url.port)?;
    download(server, &url.name, options)
}

/// Builds an RRQ packet for `name` in octet mode.
fn read_request(name: &str) -> Result<Vec<u8>, TftpError> {
    let bad = |reason| TftpError::BadName {
        name: name.to_owned(),
        reason,
    };
    if name.is_empty() {
        return Err(bad("empty"));
    }
    if name.bytes().any(|b| b == 0) {
        return Err(bad("contains a NUL byte"));
    }
    let mut p = Vec::with_capacity(name.len() + 10);
    p.extend_from_slice(&OP_RRQ.to_be_bytes());
    p.extend_from_slice(name.as_bytes());
    p.push(0);
    p.extend_from_slice(b"octet\0");
    if p.len() > BLOCK {
        return Err(bad("too long for a TFTP request"));
    }
    Ok(p)
}

fn ack(block: u16) -> Vec<u8> {
    let mut p = OP_ACK.to_be_bytes().to_vec();
    p.extend_from_slice(&block.to_be_bytes());
    p
}

fn error_packet(code: u16, text: &str) -> Vec<u8> {
    let mut p = OP_ERROR.to_be_bytes().to_vec();
    p.extend_from_slice(&code.to_be_bytes());
    p.extend_from_slice(text.as_bytes());
    p.push(0);
    p
}

/// A received packet.
enum Packet<'a> {
    Data { block: u16, payload: &'a [u8] },
    Error { code: u16, message: String },
    Other(u16),
}

fn parse_packet(p: &[u8]) -> Result<Packet<'_>, String> {
    let (Some(&[o0, o1]), Some(&[b0, b1])) = (p.get(0..2), p.get(2..4)) else {
        return Err(format!("packet of {} bytes is too short", p.len()));
    };
    let op = u16::from_be_bytes([o0, o1]);
    let arg = u16::from_be_bytes([b0, b1]);
    let rest = p.get(4..).unwrap_or_default();
    Ok(match op {
        OP_DATA => Packet::Data {
            block: arg,
            payload: rest,
        },
        OP_ERROR => {
            let text = rest.split(|&b| b == 0).next().unwrap_or_default();
            Packet::Error {
                code: arg,
                message: printable(text),
            }
        }
        other => Packet::Other(other),
    })
}

/// The server's error text on one line: control characters become `?`,
/// at most 200 characters are kept.
fn printable(text: &[u8]) -> String {
    let s: String = String::from_utf8_lossy(text)
        .chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .take(200)
        .collect();
    s.trim().to_owned()
}

/// Downloads file `name` from the TFTP server at `server` (its well-known
/// port) in octet mode.
pub fn download(server: SocketAddr, name: &str, options: &Options) -> Result<Vec<u8>, TftpError> {
    let request = read_request(name)?;
    let local: SocketAddr = match server.ip() {
        IpAddr::V4(_) => (Ipv4Addr::UNSPECIFIED, 0).into(),
        IpAddr::V6(_) => (Ipv6Addr::UNSPECIFIED, 0).into(),
    };
    let socket = UdpSocket::bind(local).map_err(TftpError::Socket)?;
    let tries = options.tries.max(1);
    let per_try = (options.timeout / tries).max(Duration::from_millis(10));

    // The server's transfer ID, fixed by its first DATA or ERROR packet.
    let mut peer: Option<SocketAddr> = None;
    let mut last = request;
    let mut data = Vec::new();
    let mut next_block: u16 = 1;
    let mut sent = 1;
    socket.send_to(&last, server).map_err(TftpError::Socket)?;
    let mut deadline = Instant::now() + per_try;
    // One byte more than the largest DATA packet, so an oversized one shows.
    let mut buf = [0u8; BLOCK + 5];
    loop {
        let now = Instant::now();
        if now >= deadline {
            if sent >= tries {
                return Err(match peer {
                    None => TftpError::NoAnswer {
                        server,
                        timeout: per_try * tries,
                        tries,
                    },
                    Some(p) => TftpError::Stalled {
                        server: p,
                        timeout: per_try * tries,
                        received: data.len(),
                    },
                });
            }
            sent += 1;
            socket
                .send_to(&last, peer.unwrap_or(server))
                .map_err(TftpError::Socket)?;
            deadline = now + per_try;
            continue;
        }
        let wait = deadline
            .saturating_duration_since(now)
            .max(Duration::from_millis(1));
        socket
            .set_read_timeout(Some(wait))
            .map_err(TftpError::Socket)?;
        let (n, from) = match socket.recv_from(&mut buf) {
            Ok(got) => got,
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock
                        | io::ErrorKind::TimedOut
                        | io::ErrorKind::Interrupted
                        // An ICMP "port unreachable" reported on some systems:
                        // keep waiting, the timeout decides.
                        | io::ErrorKind::ConnectionRefused
                        | io::ErrorKind::ConnectionReset
                ) =>
            {
                continue;
            }
            Err(e) => return Err(TftpError::Socket(e)),
        };
        // Only the server's transfer ID may talk to us.
        let foreign = match peer {
            Some(p) => p != from,
            None => from.ip() != server.ip(),
        };
        if foreign {
            // Best effort: the stray sender is told, the transfer goes on.
            let _ = socket.send_to(&error_packet(5, "Unknown transfer ID"), from);
            continue;
        }
        let received = data.len();
        let packet = buf.get(..n).unwrap_or_default();
        if n > BLOCK + 4 {
            let _ = socket.send_to(&error_packet(4, "Illegal TFTP operation"), from);
            return Err(TftpError::Protocol {
                what: format!("packet longer than {} bytes", BLOCK + 4),
                received,
            });
        }
        match parse_packet(packet) {
            Ok(Packet::Data { block, payload }) => {
                if block == next_block {
                    peer = Some(from);
                    if received + payload.len() > options.max_size {
                        let _ = socket.send_to(&error_packet(3, "File too large"), from);
                        return Err(TftpError::TooLarge {
                            limit: options.max_size,
                        });
                    }
                    data.extend_from_slice(payload);
                    last = ack(block);
                    if payload.len() < BLOCK {
                        // The final ACK is best effort: the file is complete.
                        let _ = socket.send_to(&last, from);
                        return Ok(data);
                    }
                    socket.send_to(&last, from).map_err(TftpError::Socket)?;
                    next_block = next_block.wrapping_add(1);
                    sent = 1;
                    deadline = Instant::now() + per_try;
                } else if peer.is_some() && block == next_block.wrapping_sub(1) {
                    // A duplicate of the block we acknowledged: our ACK was lost.
                    let _ = socket.send_to(&last, from);
                }
                // Any other block number is stale or stray; ignore it.
            }
            Ok(Packet::Error { code, message }) => {
                return Err(TftpError::Server {
                    code,
                    message,
                    received,
                });
            }
            Ok(Packet::Other(op)) => {
                let _ = socket.send_to(&error_packet(4, "Illegal TFTP operation"), from);
                return Err(TftpError::Protocol {
                    what: format!("unexpected packet with opcode {op}"),
                    received,
                });
            }
            Err(what) => return Err(TftpError::Protocol { what, received }),
        }
    }
}

#[cfg(test)]
mod tests;
