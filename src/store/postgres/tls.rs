//! TLS to the office server with rustls on `ring` (no OpenSSL: the build needs
//! only the Rust toolchain and a C compiler). `verify-full` checks the chain
//! against the CA file and the host name; `require` encrypts without checking
//! who answers, as libpq's `require` does without a root certificate.

use std::path::Path;
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use tokio_postgres_rustls::MakeRustlsConnect;

use super::error::OfficeError;
use super::target::{SslMode, Target};

/// The connector for `target`'s mode. For `disable` it is never used, but
/// one type for every mode keeps the connect path single.
pub fn connector(target: &Target) -> Result<MakeRustlsConnect, OfficeError> {
    // Explicit provider: never depends on which rustls features other crates
    // in the build switch on (two providers make `builder()` panic).
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| OfficeError::Tls(format!("TLS 配置无效（{e}）")))?;
    let config = match (target.ssl, &target.ca_file) {
        (SslMode::VerifyFull, Some(ca)) => builder
            .with_root_certificates(load_roots(ca)?)
            .with_no_client_auth(),
        (SslMode::VerifyFull, None) => {
            return Err(OfficeError::BadUrl(
                "sslmode=verify-full 需要 sslrootcert=CA证书文件（PEM）".into(),
            ));
        }
        (SslMode::Require | SslMode::Disable, _) => builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(EncryptOnly {
                algorithms: provider.signature_verification_algorithms,
            }))
            .with_no_client_auth(),
    };
    Ok(MakeRustlsConnect::new(config))
}

/// Every certificate in the PEM file becomes a trust anchor.
fn load_roots(ca: &Path) -> Result<RootCertStore, OfficeError> {
    let bad = |detail: String| OfficeError::CaFile {
        path: ca.to_path_buf(),
        detail,
    };
    let mut roots = RootCertStore::empty();
    let certs = CertificateDer::pem_file_iter(ca).map_err(|e| bad(e.to_string()))?;
    for cert in certs {
        let cert = cert.map_err(|e| bad(e.to_string()))?;
        roots.add(cert).map_err(|e| bad(e.to_string()))?;
    }
    if roots.is_empty() {
        return Err(bad("文件中没有证书（应为 PEM 格式）".into()));
    }
    Ok(roots)
}

/// `sslmode=require`: the handshake and its signatures are real, but any
/// certificate is accepted. Protects against listening, not impersonation.
#[derive(Debug)]
struct EncryptOnly {
    algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for EncryptOnly {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_mode_builds_without_a_server() {
        for url in ["postgres://a@h/d", "postgres://a@h/d?sslmode=require"] {
            connector(&Target::parse(url).unwrap()).unwrap();
        }
    }

    #[test]
    fn a_missing_or_empty_ca_file_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("nope.pem");
        let t = Target::parse(&format!(
            "postgres://a@h/d?sslmode=verify-full&sslrootcert={}",
            missing.display()
        ))
        .unwrap();
        let e = connector(&t).err().unwrap();
        assert!(e.to_string().contains("nope.pem"), "{e}");

        let empty = dir.path().join("empty.pem");
        std::fs::write(&empty, "not a certificate\n").unwrap();
        let t = Target {
            ca_file: Some(empty),
            ..t
        };
        let e = connector(&t).err().unwrap();
        assert!(e.to_string().contains("没有证书"), "{e}");
    }
}
