//! The baseline for bench/listen.sh: the least a hyper server can do to receive a signed
//! webhook — read the body, check `X-Signature: sha256=<hex>`, answer 202 or 401. No
//! output, no captures. hookline listen is measured against this.
//!
//! cargo run --release --example bare_server -- PORT SECRET
//! (BARE_EXTRA_WORK_NS=1000 adds 1 µs of busy CPU per request, for calibration;
//! BARE_THREADS=1 serves on one runtime thread, the shape of hookline listen)

use std::convert::Infallible;
use std::net::SocketAddr;

use bytes::Bytes;
use hmac::{KeyInit, Mac};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

type HmacSha256 = hmac::Hmac<sha2::Sha256>;

fn main() {
    // BARE_THREADS=1: one runtime thread, the shape of hookline listen.
    let one = std::env::var("BARE_THREADS").is_ok_and(|t| t == "1");
    let runtime = if one {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
    } else {
        tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
    };
    runtime.expect("runtime").block_on(serve());
}

async fn serve() {
    let mut args = std::env::args().skip(1);
    let port: u16 = args.next().and_then(|p| p.parse().ok()).unwrap_or(9100);
    let secret: &'static [u8] = args.next().unwrap_or_default().into_bytes().leak();
    let listener = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], port)))
        .await
        .expect("bind");
    eprintln!("listening on http://{}", listener.local_addr().unwrap());
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let _ = stream.set_nodelay(true);
        tokio::spawn(async move {
            let service = service_fn(move |req| check(secret, req));
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

async fn check(secret: &[u8], req: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    let presented = req
        .headers()
        .get("x-signature")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("sha256="))
        .and_then(|v| hex::decode(v).ok());
    let body = match req.into_body().collect().await {
        Ok(b) => b.to_bytes(),
        Err(_) => return Ok(answer(StatusCode::BAD_REQUEST)),
    };
    let mut mac = <HmacSha256 as KeyInit>::new_from_slice(secret).expect("any key length");
    mac.update(&body);
    if let Some(ns) = extra_work_ns() {
        let started = std::time::Instant::now();
        while started.elapsed().as_nanos() < u128::from(ns) {
            std::hint::spin_loop();
        }
    }
    let valid = presented.is_some_and(|sig| mac.verify_slice(&sig).is_ok());
    Ok(answer(if valid {
        StatusCode::ACCEPTED
    } else {
        StatusCode::UNAUTHORIZED
    }))
}

/// `BARE_EXTRA_WORK_NS=N` adds N ns of busy CPU per request: a calibration, showing how
/// much a little per-request work costs this server under wrk on the same cores.
fn extra_work_ns() -> Option<u64> {
    static NS: std::sync::OnceLock<Option<u64>> = std::sync::OnceLock::new();
    *NS.get_or_init(|| std::env::var("BARE_EXTRA_WORK_NS").ok()?.parse().ok())
}

fn answer(status: StatusCode) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::new()));
    *response.status_mut() = status;
    response
}
