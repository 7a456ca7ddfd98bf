//! The client against scripted in-process servers: lost packets, duplicates,
//! strangers, errors, short and oversized transfers; and address parsing.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::net::{SocketAddr, UdpSocket};
use std::thread;
use std::time::{Duration, Instant};

use super::*;

/// Options for the scripted servers: 2 s in 5 tries (400 ms between sends).
fn opts() -> Options {
    Options {
        timeout: Duration::from_secs(2),
        tries: 5,
        max_size: itl_core::MAX_FILE_SIZE,
    }
}

fn bind() -> UdpSocket {
    let s = UdpSocket::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    s.set_read_timeout(Some(Duration::from_secs(5)))
        .expect("set timeout");
    s
}

/// Receives one packet; panics after 5 s of silence.
fn recv(s: &UdpSocket) -> (Vec<u8>, SocketAddr) {
    let mut buf = [0u8; 2048];
    let (n, from) = s.recv_from(&mut buf).expect("packet from the client");
    (buf[..n].to_vec(), from)
}

/// Receives until `quiet` passes with nothing; returns the packets.
fn recv_all(s: &UdpSocket, quiet: Duration) -> Vec<Vec<u8>> {
    s.set_read_timeout(Some(quiet)).expect("set timeout");
    let mut got = Vec::new();
    let mut buf = [0u8; 2048];
    while let Ok((n, _)) = s.recv_from(&mut buf) {
        got.push(buf[..n].to_vec());
    }
    got
}

fn data(block: u16, payload: &[u8]) -> Vec<u8> {
    let mut p = vec![0, 3];
    p.extend_from_slice(&block.to_be_bytes());
    p.extend_from_slice(payload);
    p
}

fn rrq(name: &str) -> Vec<u8> {
    let mut p = vec![0, 1];
    p.extend_from_slice(name.as_bytes());
    p.extend_from_slice(b"\0octet\0");
    p
}

/// Distinct, non-repeating bytes so a duplicated or dropped block shows.
fn pattern(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| u8::try_from((i * 7 + usize::from(seed)) % 251).unwrap())
        .collect()
}

/// Takes the client's request on `listen` and answers, as a server does, from a
/// fresh port (its transfer ID); returns that socket and the client's address.
fn accept(listen: &UdpSocket) -> (UdpSocket, SocketAddr) {
    let (_, client) = recv(listen);
    (bind(), client)
}

/// Sends DATA `block` with `payload` to the client and checks that it answers ACK `block`.
fn send_block(t: &UdpSocket, client: SocketAddr, block: u16, payload: &[u8]) {
    t.send_to(&data(block, payload), client).unwrap();
    assert_eq!(recv(t).0, ack(block));
}

/// Runs `script` as the server on a fresh loopback socket and the client
/// against it; returns the client's result after the script has finished.
fn run<F>(name: &str, options: &Options, script: F) -> Result<Vec<u8>, TftpError>
where
    F: FnOnce(UdpSocket) + Send + 'static,
{
    let listen = bind();
    let addr = listen.local_addr().expect("local addr");
    let server = thread::spawn(move || script(listen));
    let result = download(addr, name, options);
    server.join().expect("the scripted server's checks passed");
    result
}

#[test]
fn retransmits_request_and_ack_when_packets_are_lost() {
    let b1 = pattern(512, 1);
    let b2 = pattern(512, 2);
    let b3 = pattern(100, 3);
    let (s1, s2, s3) = (b1.clone(), b2.clone(), b3.clone());
    let got = run("ITLFile.tlv", &opts(), move |listen| {
        // The first request is "lost": the client must send it again.
        let (first, client) = recv(&listen);
        assert_eq!(first, rrq("ITLFile.tlv"));
        let (second, again) = recv(&listen);
        assert_eq!(second, first, "the retransmitted request is the same");
        assert_eq!(again, client);
        let t = bind();
        send_block(&t, client, 1, &s1);
        // That ACK is "lost": no DATA 2 until the client sends ACK 1 again.
        assert_eq!(recv(&t).0, ack(1), "ACK 1 retransmitted after a timeout");
        send_block(&t, client, 2, &s2);
        send_block(&t, client, 3, &s3);
    })
    .expect("transfer succeeds");
    assert_eq!(got, [b1, b2, b3].concat());
}

#[test]
fn duplicate_data_is_acknowledged_again_and_stored_once() {
    let b1 = pattern(512, 4);
    let b2 = pattern(3, 5);
    let (s1, s2) = (b1.clone(), b2.clone());
    let got = run("x", &opts(), move |listen| {
        let (t, client) = accept(&listen);
        send_block(&t, client, 1, &s1);
        t.send_to(&data(1, &s1), client).unwrap();
        assert_eq!(
            recv(&t).0,
            ack(1),
            "a duplicate block is acknowledged again"
        );
        send_block(&t, client, 2, &s2);
    })
    .expect("transfer succeeds");
    assert_eq!(got, [b1, b2].concat());
}

#[test]
fn packets_from_another_port_get_error_5_and_are_ignored() {
    let b1 = pattern(512, 6);
    let b2 = pattern(10, 7);
    let (s1, s2) = (b1.clone(), b2.clone());
    let got = run("x", &opts(), move |listen| {
        let (t, client) = accept(&listen);
        send_block(&t, client, 1, &s1);
        let stranger = bind();
        stranger.send_to(&data(2, b"intruder"), client).unwrap();
        let (reply, _) = recv(&stranger);
        assert_eq!(&reply[..4], &[0, 5, 0, 5], "ERROR 5 to the stranger");
        send_block(&t, client, 2, &s2);
    })
    .expect("transfer succeeds");
    assert_eq!(got, [b1, b2].concat());
}

#[test]
fn exact_multiple_of_512_ends_with_an_empty_block() {
    let b1 = pattern(512, 8);
    let b2 = pattern(512, 9);
    let (s1, s2) = (b1.clone(), b2.clone());
    let got = run("x", &opts(), move |listen| {
        let (t, client) = accept(&listen);
        send_block(&t, client, 1, &s1);
        send_block(&t, client, 2, &s2);
        send_block(&t, client, 3, &[]);
    })
    .expect("transfer succeeds");
    assert_eq!(got, [b1, b2].concat());
}

#[test]
fn empty_file_is_one_empty_block() {
    let got = run("empty.tlv", &opts(), |listen| {
        let (t, client) = accept(&listen);
        send_block(&t, client, 1, &[]);
    })
    .expect("transfer succeeds");
    assert!(got.is_empty());
}

#[test]
fn error_packet_gives_code_and_text() {
    let err = run("nope.tlv", &opts(), |listen| {
        let (t, client) = accept(&listen);
        t.send_to(b"\0\x05\0\x01File not found\0", client).unwrap();
    })
    .expect_err("the server said no");
    assert!(err.is_not_found(), "{err:?}");
    assert_eq!(err.to_string(), "TFTP error 1 from server: File not found");
}

#[test]
fn error_text_is_made_one_line_and_empty_text_gets_the_standard_one() {
    let err = run("x", &opts(), |listen| {
        let (_, client) = recv(&listen);
        listen
            .send_to(b"\0\x05\0\x02no\naccess\0junk", client)
            .unwrap();
    })
    .expect_err("the server said no");
    assert_eq!(err.to_string(), "TFTP error 2 from server: no?access");

    let err = run("x", &opts(), |listen| {
        let (_, client) = recv(&listen);
        listen.send_to(b"\0\x05\0\x02", client).unwrap();
    })
    .expect_err("the server said no");
    assert_eq!(
        err.to_string(),
        "TFTP error 2 from server: Access violation"
    );
}

#[test]
fn silent_server_gives_no_answer_after_all_tries() {
    let options = Options {
        timeout: Duration::from_millis(500),
        ..opts()
    };
    let listen = bind();
    let addr = listen.local_addr().unwrap();
    let counter = thread::spawn(move || recv_all(&listen, Duration::from_millis(1500)));
    let start = Instant::now();
    let err = download(addr, "x", &options).expect_err("nobody answers");
    let took = start.elapsed();
    let requests = counter.join().unwrap();
    assert_eq!(requests.len(), 5, "the request is sent 5 times in all");
    assert!(requests.iter().all(|r| *r == rrq("x")));
    assert!(
        took >= Duration::from_millis(500) && took < Duration::from_millis(1500),
        "{took:?}"
    );
    assert!(
        matches!(err, TftpError::NoAnswer { tries: 5, .. }),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        format!(
            "no answer from TFTP server {addr} within 0.5 s (5 requests sent); is the server running and the port right?"
        )
    );
}

#[test]
fn server_that_stops_mid_file_gives_ended_short() {
    let options = Options {
        timeout: Duration::from_millis(500),
        ..opts()
    };
    let err = run("x", &options, |listen| {
        let (t, client) = accept(&listen);
        t.send_to(&data(1, &pattern(512, 1)), client).unwrap();
        // Then silence; the client re-sends ACK 1 until it gives up.
        let acks = recv_all(&t, Duration::from_millis(1500));
        assert_eq!(acks.len(), 5, "ACK 1 sent 5 times in all");
        assert!(acks.iter().all(|a| *a == ack(1)));
    })
    .expect_err("the transfer stops");
    assert!(
        matches!(err, TftpError::Stalled { received: 512, .. }),
        "{err:?}"
    );
    assert!(
        err.to_string().starts_with("transfer ended short: ")
            && err
                .to_string()
                .ends_with(" sent nothing for 0.5 s after byte 512"),
        "{err}"
    );
}

#[test]
fn file_over_the_limit_is_refused_and_the_server_told() {
    let options = Options {
        max_size: 1000,
        ..opts()
    };
    let err = run("x", &options, |listen| {
        let (t, client) = accept(&listen);
        send_block(&t, client, 1, &pattern(512, 1));
        t.send_to(&data(2, &pattern(512, 2)), client).unwrap();
        let (reply, _) = recv(&t);
        assert_eq!(&reply[..4], &[0, 5, 0, 3], "ERROR 3 to the server");
    })
    .expect_err("too large");
    assert!(
        matches!(err, TftpError::TooLarge { limit: 1000 }),
        "{err:?}"
    );
}

#[test]
fn oversized_or_unexpected_packets_are_protocol_errors() {
    let err = run("x", &opts(), |listen| {
        let (_, client) = recv(&listen);
        listen.send_to(&data(1, &[0u8; 600]), client).unwrap();
    })
    .expect_err("oversized DATA");
    assert!(matches!(err, TftpError::Protocol { .. }), "{err:?}");

    let err = run("x", &opts(), |listen| {
        let (_, client) = recv(&listen);
        listen.send_to(&ack(0), client).unwrap();
    })
    .expect_err("an ACK to a read request");
    assert_eq!(
        err.to_string(),
        "TFTP protocol error after byte 0: unexpected packet with opcode 4"
    );
}

#[test]
fn urls() {
    let u = TftpUrl::parse("tftp://127.0.0.1:6969/ITLSEP0011215A1AE3.tlv").unwrap();
    assert_eq!(
        (u.host.as_str(), u.port, u.name.as_str()),
        ("127.0.0.1", 6969, "ITLSEP0011215A1AE3.tlv")
    );
    assert_eq!(
        u.to_string(),
        "tftp://127.0.0.1:6969/ITLSEP0011215A1AE3.tlv"
    );

    let u = TftpUrl::parse("TFTP://cucm-pub/dir/ITLFile.tlv").unwrap();
    assert_eq!((u.host.as_str(), u.port), ("cucm-pub", 69));
    assert_eq!(u.name, "dir/ITLFile.tlv");
    assert_eq!(u.file_name(), Some("ITLFile.tlv"));

    let u = TftpUrl::parse("tftp://[::1]:70/x").unwrap();
    assert_eq!((u.host.as_str(), u.port), ("::1", 70));
    assert_eq!(u.to_string(), "tftp://[::1]:70/x");

    assert_eq!(TftpUrl::parse("tftp://h/a/..").unwrap().file_name(), None);

    for (bad, reason) in [
        ("http://h/x", "it does not start with tftp://"),
        ("tftp://h", "no file name after the host"),
        ("tftp://h/", "no file name after the host"),
        ("tftp:///x", "no host"),
        ("tftp://:69/x", "no host"),
        ("tftp://h:0/x", "the port is not a number from 1 to 65535"),
        ("tftp://h:+69/x", "the port is not a number from 1 to 65535"),
        (
            "tftp://h:70000/x",
            "the port is not a number from 1 to 65535",
        ),
        ("tftp://[::1/x", "missing ] after an IPv6 address"),
        ("tftp://[h]/x", "not an IPv6 address inside [ ]"),
    ] {
        match TftpUrl::parse(bad) {
            Err(TftpError::BadAddress {
                given, reason: r, ..
            }) => {
                assert_eq!((given.as_str(), r), (bad, reason));
            }
            other => panic!("{bad}: {other:?}"),
        }
    }
    assert!(is_tftp_url("Tftp://x/y"));
    assert!(!is_tftp_url("tftp:/x"));
    assert!(!is_tftp_url("ITLFile.tlv"));
}

#[test]
fn host_and_port() {
    assert_eq!(parse_host_port("h").unwrap(), ("h".to_owned(), 69));
    assert_eq!(parse_host_port("h:1069").unwrap(), ("h".to_owned(), 1069));
    assert_eq!(parse_host_port("::1").unwrap(), ("::1".to_owned(), 69));
    assert_eq!(parse_host_port("[::1]:6").unwrap(), ("::1".to_owned(), 6));
    assert!(parse_host_port("a b").is_err());
    assert!(parse_host_port("h:").is_err());
}

#[test]
fn request_names_are_checked() {
    assert_eq!(read_request("a.tlv").unwrap(), rrq("a.tlv"));
    assert!(matches!(
        read_request("a\0b"),
        Err(TftpError::BadName { .. })
    ));
    assert!(read_request(&"x".repeat(504)).is_err(), "513-byte request");
    assert!(read_request(&"x".repeat(503)).is_ok(), "512-byte request");
}

#[test]
fn unknown_host_message_is_one_line() {
    let e = TftpError::UnknownHost {
        host: "cucm".to_owned(),
        reason: "failed to lookup address information: Name or service not known".to_owned(),
    };
    assert_eq!(
        e.to_string(),
        "unknown host \"cucm\" (failed to lookup address information: Name or service not known)"
    );
}
