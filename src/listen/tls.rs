//! HTTPS for `listen`: a certificate from files, or a self-signed one for localhost that is
//! kept in the cache directory so `curl --cacert PATH` keeps working across runs.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{anyhow, Context, Result};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::ServerConfig;
use sha2::{Digest, Sha256};

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
    if let Ok(file) = std::fs::File::open(key) {
        let name = format!("--tls-key {}", key.display());
        crate::config::warn_if_readable_by_others(&file, &name);
    }
    let key = PrivateKeyDer::from_pem_file(key)
        .map_err(|e| anyhow!("--tls-key {}: {}", key.display(), pem_error(e)))?;
    server_config(chain, key).map_err(|e| anyhow!("--tls-cert/--tls-key: {e}"))
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
    let key = PrivateKeyDer::from_pem_file(&key_path)
        .map_err(|e| anyhow!("{}: {}", key_path.display(), pem_error(e)))?;
    let config = server_config(chain, key)?;
    Ok(SelfSigned {
        config,
        cert_path,
        fingerprint,
    })
}

fn generate(dir: &Path, cert_path: &Path, key_path: &Path) -> Result<()> {
    fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let names = ["localhost", "127.0.0.1", "::1"].map(String::from).to_vec();
    let made = rcgen::generate_simple_self_signed(names)
        .map_err(|e| anyhow!("cannot make a self-signed certificate: {e}"))?;
    write_private(key_path, made.signing_key.serialize_pem().as_bytes())?;
    fs::write(cert_path, made.cert.pem())
        .with_context(|| format!("cannot write {}", cert_path.display()))?;
    Ok(())
}

/// Writes a key readable by its owner only.
fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    std::io::Write::write_all(&mut file, bytes)
        .with_context(|| format!("cannot write {}", path.display()))
}

fn read_chain(path: &Path) -> Result<Vec<CertificateDer<'static>>> {
    let chain = CertificateDer::pem_file_iter(path)
        .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
        .map_err(|e| anyhow!("--tls-cert {}: {}", path.display(), pem_error(e)))?;
    if chain.is_empty() {
        return Err(anyhow!(
            "--tls-cert {}: no CERTIFICATE block found",
            path.display()
        ));
    }
    Ok(chain)
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
        .map_err(|e| anyhow!("the key does not fit the certificate ({e})"))?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}
