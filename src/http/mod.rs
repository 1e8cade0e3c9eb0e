//! The HTTP service (actix-web 4): the only module that knows HTTP. Each API group lives in its
//! own file and ends with a `config_*_api(cfg)` registration function; each handler parses its
//! input, calls one `KnowledgeBase` function through [`state::Kb::run`] (on the blocking pool)
//! and renders the result as a DTO. Nothing here touches sled, tantivy, ONNX or petgraph: the
//! module depends on `service`, `config` and the plain data types of `domain`, nothing else, and
//! nothing but `cli serve` depends on it.
//!
//! * `answer.rs`, `search.rs`, `nodes.rs` — chatbot and reader routes (role `reader`).
//! * `edits.rs` — editor writes, each one atomic batch (role `editor`).
//! * `admin.rs` — export, changelog, analytics (role `admin`).
//! * `ops.rs` — health, readiness, metrics, OpenAPI (no key).
//! * `whoami.rs` — the caller's own role and key id (any role).
//! * `console.rs` — the editor console's static files, embedded in the binary (no key; the
//!   console itself sends the key with every API call).
//! * `auth.rs` keys and roles, `error.rs` the JSON error format and the exhaustive mapping of
//!   service errors to statuses, `metrics.rs` Prometheus counters, `openapi.rs` the generated
//!   OpenAPI 3.1 document, `security.rs` the security headers every response carries, `dto.rs`
//!   shared wire types, `state.rs` the shared state.
//!
//! [`serve`] binds first and reports the address, then loads the KB off the async workers;
//! until it has loaded, `/healthz` answers and everything else that needs the KB is a 503
//! `not_ready`. SIGTERM and SIGINT stop accepting connections, let in-flight requests finish and
//! then flush the store.

mod admin;
mod answer;
mod auth;
mod console;
mod dto;
mod edits;
mod error;
mod metrics;
mod nodes;
mod openapi;
mod ops;
mod pool;
mod search;
mod security;
mod state;
mod wakeup;
mod whoami;

use std::any::Any;
use std::future::Future;
use std::net::SocketAddr;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Service, ServiceRequest, ServiceResponse};
use actix_web::http::{header, Method};
use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer, ResponseError};
use parking_lot::Mutex;

use crate::config::Settings;
use crate::service::{KnowledgeBase, Quiet, ServiceError};

pub use auth::KeyError;
pub use openapi::ApiDoc;

use auth::ApiKeys;
use error::{json_error, path_error, query_error, ApiError};
use metrics::{route_label, Metrics};
use state::{KbSlot, Limits};

/// How long a graceful shutdown waits for in-flight requests.
const SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(30);

/// What the server reports while it starts and stops (the CLI prints it).
#[derive(Debug, Clone)]
pub enum ServerEvent {
    /// Bound and accepting connections.
    Listening(Vec<SocketAddr>),
    /// The KB has loaded; every route is served.
    Ready { kb_version: u64, nodes: usize },
    /// Shut down; the store is flushed.
    Stopped,
}

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(transparent)]
    Keys(#[from] KeyError),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: String,
        source: std::io::Error,
    },
    /// Opening the KB failed (model missing, data directory in use, …).
    #[error(transparent)]
    Load(ServiceError),
    #[error("the server failed: {0}")]
    Server(std::io::Error),
    /// `server.cpu_wakeup_latency_us` is set but the kernel cannot be asked for it.
    #[error("cannot hold idle CPUs to a {micros} µs wake-up latency (server.cpu_wakeup_latency_us): {reason}")]
    WakeupLatency { micros: u32, reason: String },
}

/// Registers every route.
pub fn config(cfg: &mut web::ServiceConfig) {
    answer::config_answer_api(cfg);
    search::config_search_api(cfg);
    nodes::config_nodes_api(cfg);
    edits::config_edits_api(cfg);
    admin::config_admin_api(cfg);
    whoami::config_whoami_api(cfg);
    ops::config_ops_api(cfg);
    console::config_console(cfg);
}

/// Serves the KB in `settings.data_dir` on `settings.server.bind` until SIGTERM or SIGINT.
/// Fails before listening on unusable API keys or address or a wake-up latency the kernel cannot
/// be asked for, and after listening when the KB cannot be opened (the server then stops).
pub fn serve(
    settings: &Settings,
    report: impl Fn(ServerEvent) + Send + Sync + 'static,
) -> Result<(), ServeError> {
    let keys = ApiKeys::from_settings(&settings.server)?;
    if keys.is_empty() {
        tracing::warn!(
            "no API keys configured (server.keys or ANSWERGRAPH_KEYS): every /v1 request will be refused"
        );
    }
    // Held until the server stops.
    let _wakeup = settings
        .server
        .cpu_wakeup_latency_us
        .map(wakeup::hold)
        .transpose()?;
    actix_web::rt::System::new().block_on(run(settings.clone(), keys, Arc::new(report)))
}

type Report = Arc<dyn Fn(ServerEvent) + Send + Sync>;

async fn run(settings: Settings, keys: ApiKeys, report: Report) -> Result<(), ServeError> {
    // `server.blocking_threads` per worker, as many workers as cores unless configured.
    let workers = match settings.server.workers {
        0 => std::thread::available_parallelism().map_or(1, usize::from),
        n => n,
    };
    let slot = web::Data::new(KbSlot::new(
        settings.server.blocking_threads.max(1) * workers,
    ));
    let keys = web::Data::new(keys);
    let metrics = web::Data::new(Metrics::new());
    let cors = web::Data::new(Cors {
        origins: settings.server.cors_origins.clone(),
    });
    let limits = Limits {
        json: settings.server.json_limit,
        import: settings.server.import_limit,
    };
    let app_slot = slot.clone();
    let mut server = HttpServer::new(move || {
        App::new()
            .app_data(app_slot.clone())
            .app_data(keys.clone())
            .app_data(metrics.clone())
            .app_data(cors.clone())
            .app_data(web::Data::new(limits))
            .app_data(
                web::JsonConfig::default()
                    .limit(limits.json)
                    .content_type_required(false)
                    .error_handler(json_error),
            )
            .app_data(web::QueryConfig::default().error_handler(query_error))
            .app_data(web::PathConfig::default().error_handler(path_error))
            .configure(config)
            .default_service(web::to(no_route))
            .wrap_fn(guard_errors)
            .wrap_fn(record_metrics)
            .wrap_fn(cors_headers)
            .wrap_fn(security::security_headers)
    })
    .disable_signals()
    .shutdown_timeout(SHUTDOWN_TIMEOUT.as_secs());
    if settings.server.workers > 0 {
        server = server.workers(settings.server.workers);
    }
    server = server.worker_max_blocking_threads(settings.server.blocking_threads.max(1));
    let bind = settings.server.bind.clone();
    let server = server
        .bind(&bind)
        .map_err(|source| ServeError::Bind { addr: bind, source })?;
    let addrs = server.addrs();
    let server = server.run();
    let handle = server.handle();
    report(ServerEvent::Listening(addrs));
    stop_on_signals(&handle);

    // Loading takes a while (store, text index, vectors, model); the server answers health
    // checks meanwhile, and stops if the KB cannot be opened.
    let failure: Arc<Mutex<Option<ServiceError>>> = Arc::default();
    {
        let (slot, failure, report, handle) = (
            slot.clone(),
            failure.clone(),
            report.clone(),
            handle.clone(),
        );
        std::thread::Builder::new()
            .name("kb-loader".into())
            .spawn(move || match KnowledgeBase::open(&settings, &Quiet) {
                Ok(kb) => {
                    let readiness = kb.readiness();
                    slot.set(Arc::new(kb));
                    report(ServerEvent::Ready {
                        kb_version: readiness.kb_version,
                        nodes: readiness.nodes,
                    });
                }
                Err(error) => {
                    *failure.lock() = Some(error);
                    // The stop command is sent on call; nothing needs to await it.
                    drop(handle.stop(false));
                }
            })
            .map_err(ServeError::Server)?;
    }

    server.await.map_err(ServeError::Server)?;
    if let Some(error) = failure.lock().take() {
        return Err(ServeError::Load(error));
    }
    if let Some(kb) = slot.get() {
        kb.flush().map_err(ServeError::Load)?;
        kb.save_derived();
    }
    report(ServerEvent::Stopped);
    Ok(())
}

/// SIGTERM and SIGINT (Ctrl-C) both start a graceful shutdown: stop accepting, finish what is in
/// flight (up to [`SHUTDOWN_TIMEOUT`]).
fn stop_on_signals(handle: &actix_web::dev::ServerHandle) {
    let on_interrupt = handle.clone();
    actix_web::rt::spawn(async move {
        if actix_web::rt::signal::ctrl_c().await.is_ok() {
            tracing::info!("SIGINT received; finishing in-flight requests");
            on_interrupt.stop(true).await;
        }
    });
    #[cfg(unix)]
    {
        use actix_web::rt::signal::unix::{signal, SignalKind};
        let on_terminate = handle.clone();
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                actix_web::rt::spawn(async move {
                    if terminate.recv().await.is_some() {
                        tracing::info!("SIGTERM received; finishing in-flight requests");
                        on_terminate.stop(true).await;
                    }
                });
            }
            Err(error) => tracing::warn!(%error, "cannot listen for SIGTERM"),
        }
    }
}

/// Requests no route took: a 405 listing the path's methods when the path exists with other
/// methods, else a 404. The route map matches paths regardless of method, so a pattern found
/// here is a path served with other methods: the OpenAPI document says which, and the only
/// routes outside it are the console's files, which are GET only.
async fn no_route(request: HttpRequest) -> Result<HttpResponse, ApiError> {
    let method = request.method().to_string();
    let path = request.path().to_owned();
    match request.match_pattern() {
        Some(pattern) => {
            let template = route_label(Some(pattern));
            let allowed = openapi::declared_methods(&template).unwrap_or(&["GET"]);
            Err(ApiError::MethodNotAllowed {
                method,
                path,
                allowed: allowed.to_vec(),
            })
        }
        None => Err(ApiError::NoRoute { method, path }),
    }
}

/// A future that turns a panic while polling into an `Err` with the panic payload.
struct CatchUnwind<F>(Pin<Box<F>>);

impl<F: Future> Future for CatchUnwind<F> {
    type Output = Result<F::Output, Box<dyn Any + Send>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let inner = self.get_mut().0.as_mut();
        match catch_unwind(AssertUnwindSafe(|| inner.poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(output)) => Poll::Ready(Ok(output)),
            Err(panic) => Poll::Ready(Err(panic)),
        }
    }
}

/// Middleware: a panicking handler becomes a JSON 500 instead of a dropped connection, and any
/// error the framework produced itself (not JSON) is rewritten in the JSON error format.
///
/// It must not keep a copy of the request while the inner service runs: routing needs the only
/// reference to it. So a panic is returned as an error, which actix renders through
/// [`ApiError`]'s `error_response`.
fn guard_errors<S, B>(
    request: ServiceRequest,
    service: &S,
) -> impl Future<Output = Result<ServiceResponse<BoxBody>, actix_web::Error>> + 'static
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error>,
    S::Future: 'static,
    B: MessageBody + 'static,
{
    let path = request.path().to_owned();
    let call = catch_unwind(AssertUnwindSafe(|| service.call(request)));
    async move {
        let outcome = match call {
            Ok(future) => CatchUnwind(Box::pin(future)).await,
            Err(panic) => Err(panic),
        };
        match outcome {
            Ok(Ok(response)) => Ok(as_json_error(response.map_into_boxed_body())),
            Ok(Err(error)) if error.as_error::<ApiError>().is_some() => Err(error),
            Ok(Err(error)) => {
                Err(ApiError::Framework(error.as_response_error().status_code()).into())
            }
            Err(panic) => {
                let message = panic
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                tracing::error!(panic = %message, %path, "handler panicked");
                Err(ApiError::Internal.into())
            }
        }
    }
}

/// Rewrites a non-JSON error response in the JSON error format.
fn as_json_error(response: ServiceResponse<BoxBody>) -> ServiceResponse<BoxBody> {
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let (request, _) = response.into_parts();
    ServiceResponse::new(request, ApiError::Framework(status).error_response())
}

/// Middleware: counts every request and its latency under its route pattern.
fn record_metrics<S, B>(
    request: ServiceRequest,
    service: &S,
) -> impl Future<Output = Result<ServiceResponse<B>, actix_web::Error>> + 'static
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error>,
    S::Future: 'static,
    B: 'static,
{
    let metrics = request.app_data::<web::Data<Metrics>>().cloned();
    let method = request.method().to_string();
    // The pattern comes from the app's route map, so it is known before routing has run.
    let route = route_label(request.match_pattern());
    let started = Instant::now();
    let future = service.call(request);
    async move {
        let result = future.await;
        if let Some(metrics) = metrics {
            let status = match &result {
                Ok(response) => response.status(),
                Err(error) => error.as_response_error().status_code(),
            };
            metrics.observe_request(
                &route,
                &method,
                status.as_u16(),
                started.elapsed().as_secs_f64(),
            );
        }
        result
    }
}

/// The origins allowed to call the API from a browser (`server.cors_origins`; `*` for any).
struct Cors {
    origins: Vec<String>,
}

impl Cors {
    fn allows(&self, origin: &str) -> bool {
        self.origins.iter().any(|o| o == "*" || o == origin)
    }
}

type BoxedResponse =
    Pin<Box<dyn Future<Output = Result<ServiceResponse<BoxBody>, actix_web::Error>>>>;

/// Middleware: CORS for the configured origins — answers preflight requests and marks responses
/// to allowed origins. Without configured origins it changes nothing.
fn cors_headers<S, B>(request: ServiceRequest, service: &S) -> BoxedResponse
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error>,
    S::Future: 'static,
    B: MessageBody + 'static,
{
    let allowed = request
        .headers()
        .get(header::ORIGIN)
        .and_then(|value| value.to_str().ok())
        .filter(|origin| {
            request
                .app_data::<web::Data<Cors>>()
                .is_some_and(|cors| cors.allows(origin))
        })
        .map(str::to_owned);
    let Some(origin) = allowed else {
        let future = service.call(request);
        return Box::pin(async move { Ok(future.await?.map_into_boxed_body()) });
    };
    let preflight = request.method() == Method::OPTIONS
        && request
            .headers()
            .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    if preflight {
        let response = HttpResponse::NoContent()
            .insert_header((header::ACCESS_CONTROL_ALLOW_ORIGIN, origin))
            .insert_header((
                header::ACCESS_CONTROL_ALLOW_METHODS,
                "GET, POST, PUT, DELETE",
            ))
            .insert_header((
                header::ACCESS_CONTROL_ALLOW_HEADERS,
                "authorization, content-type",
            ))
            .insert_header((header::ACCESS_CONTROL_MAX_AGE, "600"))
            .insert_header((header::VARY, "Origin"))
            .finish();
        return Box::pin(std::future::ready(Ok(request.into_response(response))));
    }
    let future = service.call(request);
    Box::pin(async move {
        let mut response = future.await?.map_into_boxed_body();
        let headers = response.headers_mut();
        if let Ok(value) = header::HeaderValue::from_str(&origin) {
            headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, value);
            headers.insert(header::VARY, header::HeaderValue::from_static("Origin"));
        }
        Ok(response)
    })
}

#[cfg(test)]
mod tests {
    use actix_web::{test, web, App, HttpResponse};

    use super::*;

    async fn panics() -> HttpResponse {
        panic!("boom")
    }

    #[actix_web::test]
    async fn a_panicking_handler_answers_a_json_500() {
        let app = test::init_service(
            App::new()
                .route("/panic", web::get().to(panics))
                .wrap_fn(guard_errors),
        )
        .await;
        let error =
            test::try_call_service(&app, test::TestRequest::get().uri("/panic").to_request())
                .await
                .expect_err("a panic becomes an error response");
        let response = error.error_response();
        assert_eq!(response.status().as_u16(), 500);
        // It never passes the security-headers middleware, so it carries them itself.
        let value = |name| response.headers().get(name).and_then(|v| v.to_str().ok());
        assert_eq!(value(header::X_CONTENT_TYPE_OPTIONS), Some("nosniff"));
        assert_eq!(value(header::CACHE_CONTROL), Some("no-store"));
        let body = actix_web::body::to_bytes(response.into_body())
            .await
            .unwrap();
        let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(body["code"], "internal");
    }

    #[actix_web::test]
    async fn framework_errors_become_json() {
        let app = test::init_service(App::new().wrap_fn(guard_errors)).await;
        let response =
            test::call_service(&app, test::TestRequest::get().uri("/nowhere").to_request()).await;
        assert_eq!(response.status().as_u16(), 404);
        let body: serde_json::Value = test::read_body_json(response).await;
        assert_eq!(body["code"], "not_found");
    }

    #[actix_web::test]
    async fn until_the_kb_has_loaded_only_health_answers() {
        let keys = ApiKeys::from_settings(&crate::config::ServerSettings {
            keys: vec!["reader:k".into()],
            ..Default::default()
        })
        .unwrap();
        let app = test::init_service(
            App::new()
                .app_data(web::Data::new(KbSlot::new(1)))
                .app_data(web::Data::new(keys))
                .app_data(web::Data::new(Metrics::new()))
                .configure(config),
        )
        .await;
        let get = |uri: &str| test::TestRequest::get().uri(uri).to_request();
        let response = test::call_service(&app, get("/healthz")).await;
        assert_eq!(response.status().as_u16(), 200);
        let response = test::call_service(&app, get("/readyz")).await;
        assert_eq!(response.status().as_u16(), 503);
        let body: serde_json::Value = test::read_body_json(response).await;
        assert_eq!(body["code"], "not_ready");
        let answer = test::TestRequest::post()
            .uri("/v1/answer")
            .insert_header(("Authorization", "Bearer k"))
            .set_json(serde_json::json!({"question": "hello?"}))
            .to_request();
        let response = test::call_service(&app, answer).await;
        assert_eq!(response.status().as_u16(), 503);
        assert!(response.headers().contains_key("retry-after"));
        let response = test::call_service(&app, get("/metrics")).await;
        let text = String::from_utf8(test::read_body(response).await.to_vec()).unwrap();
        assert!(text.contains("answergraph_ready 0"), "{text}");
    }
}
