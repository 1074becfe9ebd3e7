//! The smallest typst world: one source, embedded fonts, no files, no clock.

use std::sync::LazyLock;

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, Source};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;

use crate::PdfError;

static FONTS: LazyLock<(LazyHash<FontBook>, Vec<Font>)> = LazyLock::new(|| {
    let ours: [&'static [u8]; 2] =
        [include_bytes!("../fonts/LiberationSans-Regular.ttf"), include_bytes!("../fonts/LiberationSans-Bold.ttf")];
    let fonts: Vec<Font> =
        ours.into_iter().chain(typst_assets::fonts()).flat_map(|data| Font::iter(Bytes::new(data))).collect();
    (LazyHash::new(FontBook::from_fonts(&fonts)), fonts)
});

static LIBRARY: LazyLock<LazyHash<Library>> = LazyLock::new(|| LazyHash::new(Library::builder().build()));

struct ReportWorld {
    main: Source,
}

impl World for ReportWorld {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }
    fn book(&self) -> &LazyHash<FontBook> {
        &FONTS.0
    }
    fn main(&self) -> FileId {
        self.main.id()
    }
    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() { Ok(self.main.clone()) } else { Err(FileError::AccessDenied) }
    }
    fn file(&self, _id: FileId) -> FileResult<Bytes> {
        Err(FileError::AccessDenied)
    }
    fn font(&self, index: usize) -> Option<Font> {
        FONTS.1.get(index).cloned()
    }
    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        // No clock: the same report gives the same bytes.
        None
    }
}

/// Typesets a source into PDF bytes.
pub fn compile(text: String) -> Result<Vec<u8>, PdfError> {
    let world = ReportWorld { main: Source::detached(text) };
    let document: PagedDocument = typst::compile(&world)
        .output
        .map_err(|diags| PdfError(diags.iter().map(|d| d.message.to_string()).collect::<Vec<_>>().join("; ")))?;
    let options =
        typst_pdf::PdfOptions { ident: typst::foundations::Smart::Custom("avance".into()), ..Default::default() };
    typst_pdf::pdf(&document, &options)
        .map_err(|diags| PdfError(diags.iter().map(|d| d.message.to_string()).collect::<Vec<_>>().join("; ")))
}
