//! A raw HTTP/1.1 peer on loopback for tests of what the in-memory test server does not do:
//! a proxy in front of it that rewrites some answers, a server that never answers, a body
//! larger than any server sends. Each connection gets one request and one answer (`Connection:
//! close`), on its own thread.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::time::Duration;

/// One request as received.
#[derive(Debug, Clone)]
pub struct Request {
    /// `GET`, `PUT`, ...
    pub method: String,
    /// The path and query, as sent.
    pub target: String,
    /// Header lines, names in lower case.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl Request {
    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// The request as bytes again, with `Connection: close`, for forwarding.
    fn to_bytes(&self) -> Vec<u8> {
        let mut out = format!("{} {} HTTP/1.1\r\n", self.method, self.target).into_bytes();
        for (name, value) in &self.headers {
            if name != "connection" {
                out.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
            }
        }
        out.extend_from_slice(b"connection: close\r\n\r\n");
        out.extend_from_slice(&self.body);
        out
    }
}

/// What the peer does with a request.
pub enum Answer {
    /// Sends these bytes (a whole HTTP response), then closes.
    Raw(Vec<u8>),
    /// Forwards the request to `host:port` and relays the answer.
    Forward(String),
    /// Never answers (the connection stays open until the peer is dropped).
    Hang,
    /// Sends a status line and headers, then `len` bytes of `byte` without a length, then
    /// closes: a body bounded only by the connection.
    Endless { byte: u8, len: usize },
}

/// A response with a body.
pub fn response(status: u16, content_type: &str, body: &str) -> Answer {
    Answer::Raw(
        format!(
            "HTTP/1.1 {status} X\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        )
        .into_bytes(),
    )
}

/// A peer listening on 127.0.0.1 and a free port; stops accepting when dropped.
pub struct Peer {
    port: u16,
    stop: Arc<std::sync::atomic::AtomicBool>,
}

impl Peer {
    /// Starts a peer that answers each request with `handler`.
    pub fn start(handler: impl Fn(&Request) -> Answer + Send + Sync + 'static) -> Peer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("address").port();
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let handler = Arc::new(handler);
        let stopped = stop.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stopped.load(std::sync::atomic::Ordering::Relaxed) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let handler = handler.clone();
                let stopped = stopped.clone();
                std::thread::spawn(move || serve(stream, &*handler, &stopped));
            }
        });
        Peer { port, stop }
    }

    /// `http://127.0.0.1:PORT/api`.
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}/api", self.port)
    }

    /// The port.
    pub fn port(&self) -> u16 {
        self.port
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        // Wake the accept loop.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn serve(
    stream: TcpStream,
    handler: &(dyn Fn(&Request) -> Answer + Send + Sync),
    stopped: &std::sync::atomic::AtomicBool,
) {
    let Some(request) = read_request(&stream) else {
        return;
    };
    let mut stream = stream;
    match handler(&request) {
        Answer::Raw(bytes) => {
            let _ = stream.write_all(&bytes);
        }
        Answer::Forward(backend) => {
            let Ok(mut upstream) = TcpStream::connect(&backend) else {
                return;
            };
            let _ = upstream.write_all(&request.to_bytes());
            let mut answer = Vec::new();
            let _ = upstream.read_to_end(&mut answer);
            let _ = stream.write_all(&answer);
        }
        Answer::Hang => {
            while !stopped.load(std::sync::atomic::Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        Answer::Endless { byte, len } => {
            let _ = stream.write_all(
                b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n",
            );
            let chunk = vec![byte; 64 * 1024];
            let mut sent = 0;
            while sent < len {
                let part = chunk.len().min(len - sent);
                if stream.write_all(&chunk[..part]).is_err() {
                    return;
                }
                sent += part;
            }
        }
    }
    let _ = stream.flush();
}

fn read_request(stream: &TcpStream) -> Option<Request> {
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_owned();
    let target = parts.next()?.to_owned();
    let mut headers = Vec::new();
    loop {
        let mut header = String::new();
        reader.read_line(&mut header).ok()?;
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        let (name, value) = header.split_once(':')?;
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
    }
    let length: usize = headers
        .iter()
        .find(|(name, _)| name == "content-length")
        .and_then(|(_, value)| value.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(Request {
        method,
        target,
        headers,
        body,
    })
}
