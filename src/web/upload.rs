//! multipart/form-data forms (posts with attachments), with the same CSRF and origin checks
//! as `CsrfForm`. Oversized files are cut at one byte past the limit and reported by the
//! service, so the form comes back with everything else the member typed.

use std::future::Future;
use std::pin::Pin;

use actix_multipart::Multipart;
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use futures_util::StreamExt;

use crate::error::AppError;
use crate::services::attachments::{Upload, MAX_FILES, MAX_FILE_BYTES};
use crate::web::visit::{check_origin_and_token, Visit};

const MAX_TEXT_FIELD: usize = 256 * 1024;
const MAX_PARTS: usize = 40;

pub struct MultipartForm {
    pub fields: Vec<(String, String)>,
    pub files: Vec<Upload>,
}

impl MultipartForm {
    pub fn get(&self, name: &str) -> String {
        self.fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default()
    }
    pub fn all(&self, name: &str) -> Vec<String> {
        self.fields.iter().filter(|(k, _)| k == name).map(|(_, v)| v.clone()).collect()
    }
}

impl FromRequest for MultipartForm {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let mut multipart = Multipart::new(req.headers(), payload.take());
        Box::pin(async move {
            let visit = Visit::extract(&req).await?;
            let mut fields = Vec::new();
            let mut files = Vec::new();
            let mut parts = 0;
            while let Some(item) = multipart.next().await {
                let mut field = item.map_err(|e| AppError::BadRequest(format!("The form could not be read: {e}")))?;
                parts += 1;
                if parts > MAX_PARTS {
                    return Err(AppError::BadRequest("The form has too many parts.".into()));
                }
                let (name, filename) = match field.content_disposition() {
                    Some(cd) => (cd.get_name().unwrap_or("").to_string(), cd.get_filename().map(str::to_string)),
                    None => (String::new(), None),
                };
                let cap = if filename.is_some() { MAX_FILE_BYTES + 1 } else { MAX_TEXT_FIELD };
                let mut data = Vec::new();
                while let Some(chunk) = field.next().await {
                    let chunk = chunk.map_err(|e| AppError::BadRequest(format!("The upload was interrupted: {e}")))?;
                    let room = cap.saturating_sub(data.len());
                    data.extend_from_slice(&chunk[..chunk.len().min(room)]);
                }
                match filename {
                    Some(f) => {
                        if !(f.is_empty() && data.is_empty()) && files.len() <= MAX_FILES {
                            files.push(Upload { filename: f, bytes: data });
                        }
                    }
                    None => {
                        let text = String::from_utf8(data).map_err(|_| AppError::BadRequest("The form is not valid UTF-8 text.".into()))?;
                        fields.push((name, text));
                    }
                }
            }
            let form = MultipartForm { fields, files };
            check_origin_and_token(&req, &visit, &form.get("csrf"))?;
            Ok(form)
        })
    }
}
