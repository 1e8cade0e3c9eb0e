//! The editor console: a browser UI for asking, searching, browsing and editing the KB, served
//! at `/console/` by the same binary. Its files (`console/` at the repository root: HTML, CSS
//! and ES modules, no build step) are compiled into the binary with `include_bytes!`, so serving
//! them needs neither Node.js nor the source tree at run time.
//!
//! Loading the files needs no key; the console asks for one and sends it with every `/v1` call
//! it makes, so the API's roles apply to it exactly as to any other client. The responses carry
//! a Content-Security-Policy that allows only this origin (no inline scripts or styles, no other
//! hosts), and `Cache-Control: no-cache` with an ETag, so a browser revalidates each file cheaply
//! and never runs the files of an older binary; the headers every response carries
//! (`nosniff`, `DENY`, `no-referrer`) come from `security.rs`.

use std::sync::OnceLock;

use actix_web::http::header::{self, HeaderValue};
use actix_web::{get, web, HttpRequest, HttpResponse};
use sha2::{Digest, Sha256};

use super::error::ApiError;

/// Where the console lives.
const ROOT: &str = "/console/";

const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
    style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; \
    object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// One embedded file of the console.
struct Asset {
    /// Path under `console/`.
    path: &'static str,
    bytes: &'static [u8],
}

/// Embeds `console/<path>` (a test checks that every file there is listed).
macro_rules! assets {
    ($($path:literal),* $(,)?) => {
        &[$(Asset {
            path: $path,
            bytes: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/console/", $path)),
        }),*]
    };
}

const ASSETS: &[Asset] = assets![
    "index.html",
    "style.css",
    "favicon.svg",
    "app.js",
    "lib/api.js",
    "lib/dom.js",
    "lib/i18n.js",
    "lib/graph.js",
    "lib/charts.js",
    "i18n/en.js",
    "i18n/zh.js",
    "pages/ask.js",
    "pages/search.js",
    "pages/nodes.js",
    "pages/graph.js",
    "pages/import.js",
    "pages/changes.js",
    "pages/insights.js",
];

/// The content type a file is served with, from its extension.
fn content_type(path: &str) -> &'static str {
    match path.rsplit_once('.').map(|(_, ext)| ext) {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("json") => "application/json",
        Some("txt") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Each asset's ETag (a strong validator from its content), computed on first use.
fn etags() -> &'static [String] {
    static ETAGS: OnceLock<Vec<String>> = OnceLock::new();
    ETAGS.get_or_init(|| {
        ASSETS
            .iter()
            .map(|asset| {
                let digest = Sha256::digest(asset.bytes);
                let hex: String = digest[..12].iter().map(|b| format!("{b:02x}")).collect();
                format!("\"{hex}\"")
            })
            .collect()
    })
}

/// `/console` → `/console/`, so that the page's relative module paths resolve.
#[get("/console")]
async fn redirect() -> HttpResponse {
    HttpResponse::PermanentRedirect()
        .insert_header((header::LOCATION, ROOT))
        .finish()
}

#[get("/console/")]
async fn home(request: HttpRequest) -> Result<HttpResponse, ApiError> {
    serve("index.html", &request)
}

#[get("/console/{path:.+}")]
async fn file(request: HttpRequest, path: web::Path<String>) -> Result<HttpResponse, ApiError> {
    serve(&path, &request)
}

/// The asset at `path`, or 304 when the browser's copy is current. Fails with 404 for a path
/// that is not an embedded file.
fn serve(path: &str, request: &HttpRequest) -> Result<HttpResponse, ApiError> {
    let position = ASSETS
        .iter()
        .position(|asset| asset.path == path)
        .ok_or_else(|| ApiError::NotFound(format!("console file `{path}`")))?;
    let etag = &etags()[position];
    let current = request
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|tags| tags.split(',').any(|tag| tag.trim() == etag));
    let mut response = if current {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    response
        .insert_header((header::ETAG, etag.as_str()))
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .insert_header((header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY))
        .insert_header((
            header::HeaderName::from_static("cross-origin-opener-policy"),
            HeaderValue::from_static("same-origin"),
        ));
    if current {
        return Ok(response.finish());
    }
    Ok(response
        .content_type(content_type(path))
        .body(ASSETS[position].bytes))
}

pub fn config_console(cfg: &mut web::ServiceConfig) {
    cfg.service(redirect).service(home).service(file);
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use actix_web::dev::ServiceResponse;
    use actix_web::test::{call_service, init_service, read_body, TestRequest};
    use actix_web::App;

    use super::*;

    /// Every file under `console/` except the browser tests, as paths relative to it.
    fn files_on_disk(dir: &Path, prefix: &str, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            let name = entry.file_name().into_string().unwrap();
            let relative = format!("{prefix}{name}");
            if entry.file_type().unwrap().is_dir() {
                if relative != "tests" {
                    files_on_disk(&entry.path(), &format!("{relative}/"), out);
                }
            } else {
                out.push(relative);
            }
        }
    }

    fn header(response: &ServiceResponse, name: header::HeaderName) -> String {
        response
            .headers()
            .get(&name)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_else(|| panic!("no {name} header"))
            .to_owned()
    }

    #[test]
    fn every_console_file_is_embedded_with_a_known_type() {
        let mut on_disk = Vec::new();
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("console");
        files_on_disk(&root, "", &mut on_disk);
        on_disk.sort();
        let mut embedded: Vec<String> = ASSETS.iter().map(|a| a.path.to_owned()).collect();
        embedded.sort();
        assert_eq!(embedded, on_disk, "list every console file in ASSETS");
        for asset in ASSETS {
            assert_ne!(
                content_type(asset.path),
                "application/octet-stream",
                "{}",
                asset.path
            );
        }
    }

    #[actix_web::test]
    async fn files_are_served_with_types_security_headers_and_revalidation() {
        let app = init_service(App::new().configure(config_console)).await;
        let get = |uri: &str| TestRequest::get().uri(uri).to_request();

        let response = call_service(&app, get("/console")).await;
        assert_eq!(response.status().as_u16(), 308);
        assert_eq!(header(&response, header::LOCATION), "/console/");

        let response = call_service(&app, get("/console/")).await;
        assert_eq!(response.status().as_u16(), 200);
        assert_eq!(
            header(&response, header::CONTENT_TYPE),
            "text/html; charset=utf-8"
        );
        assert_eq!(header(&response, header::CACHE_CONTROL), "no-cache");
        let csp = header(&response, header::CONTENT_SECURITY_POLICY);
        assert!(csp.contains("default-src 'self'") && csp.contains("script-src 'self'"));
        assert!(!csp.contains("unsafe"), "{csp}");
        let body = read_body(response).await;
        assert!(String::from_utf8_lossy(&body).contains("<script type=\"module\""));

        let response = call_service(&app, get("/console/app.js")).await;
        assert_eq!(
            header(&response, header::CONTENT_TYPE),
            "text/javascript; charset=utf-8"
        );
        let etag = header(&response, header::ETAG);
        let again = TestRequest::get()
            .uri("/console/app.js")
            .insert_header((header::IF_NONE_MATCH, etag.clone()))
            .to_request();
        let response = call_service(&app, again).await;
        assert_eq!(response.status().as_u16(), 304);
        assert_eq!(header(&response, header::ETAG), etag);

        for missing in [
            "/console/nope.js",
            "/console/../Cargo.toml",
            "/console/tests/e2e.mjs",
        ] {
            let response = call_service(&app, get(missing)).await;
            assert_eq!(response.status().as_u16(), 404, "{missing}");
        }
    }
}
