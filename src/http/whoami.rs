//! `GET /v1/whoami`: the role and id of the caller's own key, so that a client (the editor
//! console) can adapt to what the key may do without trying and failing. Any role may ask; the
//! key itself is never echoed.

use actix_web::{get, web};
use serde::Serialize;
use utoipa::ToSchema;

use super::auth::{Caller, Reader, Role};
use super::error::{ApiError, ErrorBody};

#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum RoleDto {
    Reader,
    Editor,
    Admin,
}

impl From<Role> for RoleDto {
    fn from(role: Role) -> Self {
        match role {
            Role::Reader => RoleDto::Reader,
            Role::Editor => RoleDto::Editor,
            Role::Admin => RoleDto::Admin,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WhoamiDto {
    /// What the key may do: `reader` < `editor` < `admin` (cumulative).
    pub role: RoleDto,
    /// The key's non-secret id, as the changelog names it.
    #[schema(example = "editor-5435c4e8")]
    pub key_id: String,
}

/// The role and id of the key that made the request.
#[utoipa::path(
    tag = "auth",
    responses(
        (status = 200, description = "The caller's key", body = WhoamiDto),
        (status = 401, description = "Missing or unknown API key", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
#[get("/v1/whoami")]
pub(super) async fn whoami(caller: Caller<Reader>) -> Result<web::Json<WhoamiDto>, ApiError> {
    Ok(web::Json(WhoamiDto {
        role: caller.role().into(),
        key_id: caller.key_id().to_owned(),
    }))
}

pub fn config_whoami_api(cfg: &mut web::ServiceConfig) {
    cfg.service(whoami);
}
