//! multipart/form-data forms (posts with attachments, CSV imports), with the same CSRF and
//! origin checks as `CsrfForm`, made before the body is read.
//!
//! The extractor refuses a declared length over `MAX_TOTAL` at once (413) and reads only the
//! first part, which must be the form's `csrf` field (our forms put it first), and checks it.
//! The handler then checks the visitor's rights and only then calls `read`, which caps the
//! bytes it reads (with or without a Content-Length) and spools files to temporary files on
//! disk, removed on every path unless stored. Oversized files are cut at one byte past the
//! limit and reported by the service, so the form comes back with everything else typed.
//!
//! Why not actix-multipart's `MultipartForm` derive: its extractor reads (and spools) every
//! part of the body before the handler runs, so neither the CSRF token nor the visitor's rights
//! could be checked before a stranger's whole upload (up to `MAX_TOTAL`) is on disk; its per-field limits do not
//! change that order. This reader keeps the order: length, token, rights, then the body.

use std::cell::Cell;
use std::future::Future;
use std::io::Write;
use std::path::PathBuf;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use actix_multipart::{Field, Multipart};
use actix_web::dev::Payload;
use actix_web::error::PayloadError;
use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{web, FromRequest, HttpRequest};
use futures_util::{Stream, StreamExt};

use crate::error::AppError;
use crate::services::attachments::{Data, Received, TempFile, HEAD_BYTES, MAX_FILES, MAX_FILE_BYTES};
use crate::web::visit::{check_origin_and_token, Visit};
use crate::web::AppState;

const MAX_TEXT_FIELD: usize = 256 * 1024;
const MAX_PARTS: usize = 40;
/// The whole body at most: every file at its limit plus room for the text fields.
pub const MAX_TOTAL: usize = MAX_FILES * MAX_FILE_BYTES + 2 * 1024 * 1024;
/// The CSRF token is 64 hex digits; a first part longer than this is not one.
const MAX_TOKEN_FIELD: usize = 128;

/// A multipart form whose CSRF token was checked; its other parts are not read yet.
pub struct MultipartForm {
    multipart: Multipart,
    overflow: Rc<Cell<bool>>,
    spool_dir: PathBuf,
}

/// The parts of a multipart form, read.
pub struct FormData {
    pub fields: Vec<(String, String)>,
    pub files: Vec<Received>,
}

impl FormData {
    pub fn get(&self, name: &str) -> String {
        self.fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default()
    }
    pub fn all(&self, name: &str) -> Vec<String> {
        self.fields.iter().filter(|(k, _)| k == name).map(|(_, v)| v.clone()).collect()
    }
}

/// The request body, cut off with an error once it passes `max` bytes (chunked bodies too).
struct Capped<S> {
    inner: S,
    left: usize,
    overflow: Rc<Cell<bool>>,
}

impl<S: Stream<Item = Result<Bytes, PayloadError>> + Unpin> Stream for Capped<S> {
    type Item = Result<Bytes, PayloadError>;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.overflow.get() {
            return Poll::Ready(None);
        }
        match Pin::new(&mut self.inner).poll_next(cx) {
            Poll::Ready(Some(Ok(chunk))) if chunk.len() > self.left => {
                self.overflow.set(true);
                Poll::Ready(Some(Err(PayloadError::Overflow)))
            }
            Poll::Ready(Some(Ok(chunk))) => {
                self.left -= chunk.len();
                Poll::Ready(Some(Ok(chunk)))
            }
            other => other,
        }
    }
}

fn declared_length(req: &HttpRequest) -> Option<usize> {
    req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse().ok())
}

impl FromRequest for MultipartForm {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let too_large = declared_length(&req).is_some_and(|n| n > MAX_TOTAL);
        let overflow = Rc::new(Cell::new(false));
        let capped = Capped { inner: payload.take(), left: MAX_TOTAL, overflow: overflow.clone() };
        let multipart = Multipart::new(req.headers(), capped);
        // Beside the stored files, so storing one is a link, not a copy.
        let spool_dir = req.app_data::<web::Data<AppState>>().map(|s| s.env.attachments_dir.clone()).unwrap_or_else(std::env::temp_dir);
        Box::pin(async move {
            let visit = Visit::extract(&req).await?;
            if too_large {
                return Err(AppError::TooLarge);
            }
            let mut form = MultipartForm { multipart, overflow, spool_dir };
            let token = match form.multipart.next().await {
                Some(Ok(mut field)) if field_name(&field).0 == "csrf" => {
                    let bytes = form.collect(&mut field, MAX_TOKEN_FIELD).await?;
                    String::from_utf8(bytes).unwrap_or_default()
                }
                Some(Err(e)) => return Err(form.problem(e)),
                _ => String::new(),
            };
            check_origin_and_token(&req, &visit, &token)?;
            Ok(form)
        })
    }
}

fn field_name(field: &Field) -> (String, Option<String>) {
    match field.content_disposition() {
        Some(cd) => (cd.get_name().unwrap_or("").to_string(), cd.get_filename().map(str::to_string)),
        None => (String::new(), None),
    }
}

impl MultipartForm {
    /// What a failed read means for the visitor: too large (413) or a broken form (400).
    fn problem(&self, e: impl std::fmt::Display) -> AppError {
        if self.overflow.get() {
            AppError::TooLarge
        } else {
            tracing::debug!(error = %e, "multipart form unreadable");
            AppError::BadRequest(crate::error::Message::new("form-unreadable"))
        }
    }

    /// A text field's bytes, at most `cap` (the rest is read and dropped).
    async fn collect(&self, field: &mut Field, cap: usize) -> Result<Vec<u8>, AppError> {
        let mut data = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|e| self.problem(e))?;
            let room = cap.saturating_sub(data.len());
            data.extend_from_slice(&chunk[..chunk.len().min(room)]);
        }
        Ok(data)
    }

    /// A file part written to a temporary file, cut one byte past `MAX_FILE_BYTES`.
    async fn spool(&self, field: &mut Field, filename: String) -> Result<Received, AppError> {
        let mut received = Received { filename, size: 0, head: Vec::new(), data: Data::Memory(Vec::new()) };
        let mut file: Option<(TempFile, std::fs::File)> = None;
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|e| self.problem(e))?;
            let part = &chunk[..chunk.len().min((MAX_FILE_BYTES + 1).saturating_sub(received.size))];
            if part.is_empty() {
                continue;
            }
            if received.head.len() < HEAD_BYTES {
                received.head.extend_from_slice(&part[..part.len().min(HEAD_BYTES - received.head.len())]);
            }
            if file.is_none() {
                file = Some(TempFile::create(&self.spool_dir)?);
            }
            // Small writes to a local file; a blocking pool round trip per chunk would cost more.
            file.as_mut().expect("opened").1.write_all(part)?;
            received.size += part.len();
        }
        if let Some((temp, _)) = file {
            received.data = Data::Disk(temp);
        }
        Ok(received)
    }

    /// Reads the rest of the form; call it once the visitor's rights are checked.
    pub async fn read(mut self) -> Result<FormData, AppError> {
        let mut fields = Vec::new();
        let mut files = Vec::new();
        let mut parts = 1;
        while let Some(item) = self.multipart.next().await {
            let mut field = item.map_err(|e| self.problem(e))?;
            parts += 1;
            if parts > MAX_PARTS {
                return Err(AppError::BadRequest("form-too-many-parts".into()));
            }
            match field_name(&field) {
                (_, Some(filename)) => {
                    let f = self.spool(&mut field, filename).await?;
                    if !f.is_blank() && files.len() <= MAX_FILES {
                        files.push(f);
                    }
                }
                (name, None) => {
                    let data = self.collect(&mut field, MAX_TEXT_FIELD).await?;
                    let text = String::from_utf8(data).map_err(|_| AppError::BadRequest("form-not-utf8".into()))?;
                    // As in CsrfForm: no control character is stored (PostgreSQL refuses a NUL).
                    fields.push((name, crate::models::storable(&text).into_owned()));
                }
            }
        }
        Ok(FormData { fields, files })
    }
}
