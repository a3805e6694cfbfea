//! The schemes of Annex I: their index and each scheme's page, public. Registered before the
//! registry's own routes, whose `/registry/{kind}` would take these addresses.

use actix_web::{web, HttpResponse};

use crate::error::AppError;
use crate::services::registry;
use crate::views;
use crate::web::visit::Visit;
use crate::web::{html, AppState};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/registry/schemes", web::get().to(index)).route("/registry/schemes/{code}", web::get().to(scheme));
}

async fn index(state: web::Data<AppState>, visit: Visit) -> Result<HttpResponse, AppError> {
    let rows = state.db(registry::scheme_index).await?;
    Ok(html(200, views::registry::schemes::scheme_index(&visit.ctx, &rows)))
}

async fn scheme(state: web::Data<AppState>, visit: Visit, path: web::Path<String>) -> Result<HttpResponse, AppError> {
    let code = path.into_inner();
    let s = state.db(move |c| registry::scheme_page(c, &code)).await?;
    Ok(html(200, views::registry::schemes::scheme_page(&visit.ctx, &s)))
}
