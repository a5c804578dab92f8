//! TLS set-up, both sides (rustls with ring).
//! - Client: the Mozilla roots compiled in, plus a CA file (e.g. `listen --tls-self-signed`'s
//!   certificate), or no checking at all. Built only for https:// targets, so plain http://
//!   pays nothing for it.
//! - Server: a certificate chain and key from PEM files, or a self-signed certificate for
//!   localhost kept in the cache directory, so `curl --cacert PATH` keeps working across runs.
//!
//! Errors name the file and what is wrong with it; commands add the flag.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, ServerConfig, SignatureScheme};
use sha2::{Digest, Sha256};

#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// The CA file (client side).
    #[error("{}: {why}", path.display())]
    CaFile { path: PathBuf, why: String },
    /// The certificate chain file (server side).
    #[error("{}: {why}", path.display())]
    CertFile { path: PathBuf, why: String },
    /// The private key file (server side).
    #[error("{}: {why}", path.display())]
    KeyFile { path: PathBuf, why: String },
    #[error("the key does not fit the certificate ({0})")]
    Mismatch(rustls::Error),
    #[error("{0}")]
    Setup(#[from] rustls::Error),
    #[error("cannot make a self-signed certificate: {0}")]
    Generate(String),
    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

type Result<T> = std::result::Result<T, TlsError>;

/// The client configuration: `cacert` trusted besides the built-in roots, or (`insecure`)
/// any certificate accepted.
pub fn client_config(cacert: Option<&Path>, insecure: bool) -> Result<ClientConfig> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()?;
    if insecure {
        return Ok(builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(NoVerification(provider)))
            .with_no_client_auth());
    }
    let mut roots = RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Some(path) = cacert {
        let bad = |why: String| TlsError::CaFile {
            path: path.to_path_buf(),
            why,
        };
        let certs = read_certs(path).map_err(bad)?;
        for cert in certs {
            roots.add(cert).map_err(|e| bad(e.to_string()))?;
        }
    }
    Ok(builder.with_root_certificates(roots).with_no_client_auth())
}

/// No checking: any certificate is accepted; handshake signatures are still checked.
#[derive(Debug)]
struct NoVerification(Arc<CryptoProvider>);

impl ServerCertVerifier for NoVerification {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// A self-signed certificate ready to serve, and what a sender needs to trust it.
pub struct SelfSigned {
    pub config: Arc<ServerConfig>,
    pub cert_path: PathBuf,
    /// SHA-256 of the DER certificate, `AB:CD:…`.
    pub fingerprint: String,
}

/// Loads a PEM certificate chain and private key.
pub fn from_files(cert: &Path, key: &Path) -> Result<Arc<ServerConfig>> {
    let chain = read_chain(cert)?;
    let key = read_key(key)?;
    server_config(chain, key)
}

/// The cached self-signed certificate for localhost, made on first use.
pub fn self_signed(cache_dir: &Path) -> Result<SelfSigned> {
    let cert_path = cache_dir.join("listen-cert.pem");
    let key_path = cache_dir.join("listen-key.pem");
    if !(cert_path.exists() && key_path.exists()) {
        generate(cache_dir, &cert_path, &key_path)?;
    }
    let chain = read_chain(&cert_path)?;
    let fingerprint = chain
        .first()
        .map(|der| {
            let digest = Sha256::digest(der.as_ref());
            digest
                .iter()
                .map(|b| format!("{b:02X}"))
                .collect::<Vec<_>>()
                .join(":")
        })
        .unwrap_or_default();
    let key = read_key(&key_path)?;
    let config = server_config(chain, key)?;
    Ok(SelfSigned {
        config,
        cert_path,
        fingerprint,
    })
}

fn generate(dir: &Path, cert_path: &Path, key_path: &Path) -> Result<()> {
    let failed = |path: &Path| {
        let path = path.to_path_buf();
        move |source| TlsError::Write { path, source }
    };
    fs::create_dir_all(dir).map_err(failed(dir))?;
    let names = ["localhost", "127.0.0.1", "::1"].map(String::from).to_vec();
    let made =
        rcgen::generate_simple_self_signed(names).map_err(|e| TlsError::Generate(e.to_string()))?;
    write_private(key_path, made.signing_key.serialize_pem().as_bytes())
        .map_err(failed(key_path))?;
    fs::write(cert_path, made.cert.pem()).map_err(failed(cert_path))?;
    Ok(())
}

/// Writes a key readable by its owner only.
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    std::io::Write::write_all(&mut file, bytes)
}

/// The CERTIFICATE blocks of a PEM file; at least one.
fn read_certs(path: &Path) -> std::result::Result<Vec<CertificateDer<'static>>, String> {
    let certs = CertificateDer::pem_file_iter(path)
        .and_then(|certs| certs.collect::<std::result::Result<Vec<_>, _>>())
        .map_err(pem_error)?;
    if certs.is_empty() {
        return Err("no CERTIFICATE block found".into());
    }
    Ok(certs)
}

fn read_chain(path: &Path) -> Result<Vec<CertificateDer<'static>>> {
    read_certs(path).map_err(|why| TlsError::CertFile {
        path: path.to_path_buf(),
        why,
    })
}

fn read_key(path: &Path) -> Result<PrivateKeyDer<'static>> {
    PrivateKeyDer::from_pem_file(path).map_err(|e| TlsError::KeyFile {
        path: path.to_path_buf(),
        why: pem_error(e),
    })
}

fn pem_error(e: rustls::pki_types::pem::Error) -> String {
    match e {
        rustls::pki_types::pem::Error::Io(io) => io.to_string(),
        rustls::pki_types::pem::Error::NoItemsFound => "no PEM block of the right kind".into(),
        other => format!("not valid PEM ({other:?})"),
    }
}

fn server_config(
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
) -> Result<Arc<ServerConfig>> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(TlsError::Mismatch)?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}
