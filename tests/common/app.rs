//! A small app for --forward-to: records each request's raw bytes and answers 418
//! `short and` (after `delay`).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub struct App {
    pub addr: SocketAddr,
    pub seen: Arc<Mutex<Vec<Vec<u8>>>>,
}

pub fn start_app(delay: Duration) -> App {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let record = record.clone();
            std::thread::spawn(move || serve_app(stream, record, delay));
        }
    });
    App { addr, seen }
}

fn serve_app(stream: TcpStream, record: Arc<Mutex<Vec<Vec<u8>>>>, delay: Duration) {
    let mut reader = BufReader::new(stream);
    loop {
        let mut raw = Vec::new();
        let mut len = 0;
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                len = v.trim().parse().unwrap();
            }
            raw.extend_from_slice(line.as_bytes());
            if line == "\r\n" {
                break;
            }
        }
        let mut body = vec![0; len];
        reader.read_exact(&mut body).unwrap();
        raw.extend_from_slice(&body);
        record.lock().unwrap().push(raw);
        std::thread::sleep(delay);
        let answer =
            "HTTP/1.1 418 I'm a teapot\r\nX-App: yes\r\nContent-Length: 9\r\n\r\nshort and";
        if reader.get_mut().write_all(answer.as_bytes()).is_err() {
            return;
        }
    }
}
