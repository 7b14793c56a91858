//! The browser client's static files (`web/dist`, built by `npm run build`),
//! served at `/` next to the sync endpoint, so one origin serves both.
//!
//! Where the files are found, first match wins:
//! 1. the directory configured (`--web-dir`, `MITRA_WEB_DIR`);
//! 2. `<directory of the binary>/../share/mitra/web` (a packaged install,
//!    e.g. `/usr/local/bin/mitra` with `/usr/local/share/mitra/web`);
//! 3. `web/dist` under the current directory (running from the repository);
//! 4. `<directory of the binary>/../../web/dist` (`target/*/mitra` in the repository).
//!
//! A directory counts only when it holds `index.html`. Without one, `/`
//! explains how to build the client and every other path is 404.

use std::path::{Path, PathBuf};

use http_body_util::{BodyExt, Full, combinators::BoxBody};
use hyper::body::Bytes;
use hyper::header::{self, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};

/// The body type of every HTTP answer.
pub type Body = BoxBody<Bytes, std::io::Error>;

/// A response with a fixed body.
pub fn fixed(
    status: StatusCode,
    content_type: &'static str,
    body: impl Into<Bytes>,
) -> Response<Body> {
    let mut response = Response::new(
        Full::new(body.into())
            .map_err(|never| match never {})
            .boxed(),
    );
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

/// The content security policy of the client's pages: everything from this
/// origin, WebAssembly for automerge, inline styles for CodeMirror.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; \
object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/// The browser client's files, if they were found.
#[derive(Clone)]
pub struct WebClient {
    root: Option<PathBuf>,
    files: Option<hyper_staticfile::Static>,
}

impl WebClient {
    /// Looks for the client's files, `configured` first (see the module docs).
    pub fn locate(configured: Option<&Path>) -> Self {
        let root = match configured {
            Some(dir) => has_index(dir).then(|| dir.to_path_buf()),
            None => candidates().into_iter().find(|dir| has_index(dir)),
        };
        let root = root.map(|dir| dir.canonicalize().unwrap_or(dir));
        Self {
            files: root.as_ref().map(hyper_staticfile::Static::new),
            root,
        }
    }

    /// Serves files from `dir` (which must hold `index.html` to be used).
    pub fn at(dir: &Path) -> Self {
        Self::locate(Some(dir))
    }

    /// The directory the files are served from, if any.
    pub fn root(&self) -> Option<&Path> {
        self.root.as_deref()
    }

    /// Answers a GET or HEAD for a path outside the server's own endpoints.
    pub async fn serve<B>(&self, req: Request<B>) -> Response<Body> {
        const PLAIN: &str = "text/plain; charset=utf-8";
        if req.method() != Method::GET && req.method() != Method::HEAD {
            return fixed(
                StatusCode::METHOD_NOT_ALLOWED,
                PLAIN,
                "method not allowed\n",
            );
        }
        let Some(files) = &self.files else {
            return if req.uri().path() == "/" {
                fixed(StatusCode::OK, "text/html; charset=utf-8", NOT_BUILT_PAGE)
            } else {
                fixed(StatusCode::NOT_FOUND, PLAIN, "not found\n")
            };
        };
        let immutable = req.uri().path().starts_with("/assets/");
        match files.clone().serve(req).await {
            Ok(response) => {
                let (mut parts, body) = response.into_parts();
                let h = &mut parts.headers;
                // Built assets carry a content hash in their names; the rest
                // (index.html) must be revalidated so a new version is seen.
                h.insert(
                    header::CACHE_CONTROL,
                    HeaderValue::from_static(if immutable {
                        "public, max-age=31536000, immutable"
                    } else {
                        "no-cache"
                    }),
                );
                h.insert(
                    header::X_CONTENT_TYPE_OPTIONS,
                    HeaderValue::from_static("nosniff"),
                );
                h.insert(
                    header::REFERRER_POLICY,
                    HeaderValue::from_static("no-referrer"),
                );
                h.insert(
                    header::CONTENT_SECURITY_POLICY,
                    HeaderValue::from_static(CONTENT_SECURITY_POLICY),
                );
                Response::from_parts(parts, body.boxed())
            }
            Err(e) => {
                tracing::warn!(error = %e, "serving a web client file failed");
                fixed(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    PLAIN,
                    "could not read the file\n",
                )
            }
        }
    }
}

impl std::fmt::Debug for WebClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebClient")
            .field("root", &self.root)
            .finish()
    }
}

fn has_index(dir: &Path) -> bool {
    dir.join("index.html").is_file()
}

fn candidates() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    let exe_dir = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(Path::to_path_buf));
    if let Some(bin) = &exe_dir {
        dirs.push(bin.join("../share/mitra/web"));
    }
    dirs.push(PathBuf::from("web/dist"));
    if let Some(bin) = &exe_dir {
        dirs.push(bin.join("../../web/dist"));
    }
    dirs
}

const NOT_BUILT_PAGE: &str = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Mitra</title></head>\
<body><h1>Mitra</h1><p>This Mitra server is running, but the browser client was not found.</p>\
<p>Build it from the repository with <code>npm --prefix web ci &amp;&amp; npm --prefix web run build</code> \
and restart, or point the server at the built files with <code>--web-dir DIR</code> \
(<code>MITRA_WEB_DIR</code>). Any automerge-repo client can sync with <code>/sync</code> meanwhile.</p>\
</body></html>\n";
