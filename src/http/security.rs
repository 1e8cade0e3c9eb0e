//! Security headers on every response: API JSON, errors, metrics, the OpenAPI document and the
//! console's files alike.
//!
//! * `X-Content-Type-Options: nosniff` — a browser never guesses a type, so JSON that echoes a
//!   customer's question is never run as HTML or script;
//! * `X-Frame-Options: DENY` — nothing of ours is framed (clickjacking);
//! * `Referrer-Policy: no-referrer` — a link followed from the console does not leak its URL;
//! * `Content-Security-Policy: default-src 'none'; …` — a response opened directly in a browser
//!   may load and run nothing. The console's files set their own, same-origin policy first, which
//!   is kept;
//! * `Cache-Control: no-store` — answers, exports, analytics and backups carry customer data and
//!   must not sit in a shared or browser cache. The console's files set `no-cache` with an ETag
//!   (nothing secret, revalidated on every load), which is kept.
//!
//! [`security_headers`] adds them to every response the app produces; error responses that leave
//! the middleware stack as errors (a panicking handler) get them from [`ApiError`]'s renderer,
//! which calls [`apply`] too.
//!
//! [`ApiError`]: super::error::ApiError

use std::future::Future;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Service, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderMap, HeaderValue};

/// The policy of everything but the console: load nothing, run nothing, be framed by nobody.
pub const API_CONTENT_SECURITY_POLICY: &str =
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// Adds the security headers to `headers`, keeping a Content-Security-Policy and a Cache-Control
/// that the handler chose.
pub fn apply(headers: &mut HeaderMap) {
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(API_CONTENT_SECURITY_POLICY),
        );
    }
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
}

/// Middleware: [`apply`] to every response.
pub fn security_headers<S, B>(
    request: ServiceRequest,
    service: &S,
) -> impl Future<Output = Result<ServiceResponse<BoxBody>, actix_web::Error>> + 'static
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error>,
    S::Future: 'static,
    B: MessageBody + 'static,
{
    let future = service.call(request);
    async move {
        let mut response = future.await?.map_into_boxed_body();
        apply(response.headers_mut());
        Ok(response)
    }
}

#[cfg(test)]
mod tests {
    use actix_web::{test, web, App, HttpResponse};

    use super::*;

    #[actix_web::test]
    async fn every_response_gets_the_headers_and_a_handlers_own_policy_is_kept() {
        let app = test::init_service(
            App::new()
                .route("/json", web::get().to(HttpResponse::Ok))
                .route(
                    "/page",
                    web::get().to(|| async {
                        HttpResponse::Ok()
                            .insert_header((header::CONTENT_SECURITY_POLICY, "default-src 'self'"))
                            .insert_header((header::CACHE_CONTROL, "no-cache"))
                            .finish()
                    }),
                )
                .wrap_fn(security_headers),
        )
        .await;
        let get = |uri: &str| test::TestRequest::get().uri(uri).to_request();
        for (uri, policy, cache) in [
            ("/json", API_CONTENT_SECURITY_POLICY, "no-store"),
            ("/page", "default-src 'self'", "no-cache"),
            ("/missing", API_CONTENT_SECURITY_POLICY, "no-store"),
        ] {
            let response = test::call_service(&app, get(uri)).await;
            let headers = response.headers();
            let value = |name| headers.get(name).and_then(|v| v.to_str().ok());
            assert_eq!(
                value(header::X_CONTENT_TYPE_OPTIONS),
                Some("nosniff"),
                "{uri}"
            );
            assert_eq!(value(header::X_FRAME_OPTIONS), Some("DENY"), "{uri}");
            assert_eq!(value(header::REFERRER_POLICY), Some("no-referrer"), "{uri}");
            assert_eq!(
                value(header::CONTENT_SECURITY_POLICY),
                Some(policy),
                "{uri}"
            );
            assert_eq!(value(header::CACHE_CONTROL), Some(cache), "{uri}");
        }
    }
}
