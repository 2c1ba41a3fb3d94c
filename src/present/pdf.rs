//! The handover as a PDF (issue 15): A4 pages laid out from [`crate::present::handover::Handover`] with the
//! bundled DejaVu Sans, embedded and subsetted by krilla with a ToUnicode map, so the text is real text
//! (`pdftotext` reads it). Every page carries the patient line at the top and "page x of y", the build,
//! the as-of and printed-at times at the bottom. Lines are wrapped by measured width (ttf-parser).

use krilla::Document;
use krilla::color::rgb;
use krilla::geom::Point;
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::Fill;
use krilla::text::{Font, TextDirection};

use crate::present::handover::{Block, Handover};

const FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
const PAGE_W: f32 = 595.0;
const PAGE_H: f32 = 842.0;
const MARGIN: f32 = 42.0;
const BODY: f32 = 9.0;
/// A compact table's text.
const COMPACT: f32 = 7.0;
const HEADING: f32 = 12.0;
const STRONG: f32 = 11.0;
/// Space reserved for the header (one line; more when the patient line wraps) and the footer.
const TOP: f32 = MARGIN + 26.0;
/// The header's size and line height: the patient line wraps, so a long name never pushes the MRN and the
/// bed off the page (issue 27).
const HEADER: f32 = 10.0;
const HEADER_LINE: f32 = 12.0;
const BOTTOM: f32 = PAGE_H - MARGIN - 18.0;

/// Why no PDF was written.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("the bundled font cannot be read")]
    Font,
    #[error("the PDF cannot be written: {0}")]
    Write(String),
    #[error("cannot write {path}: {error}")]
    File { path: String, error: std::io::Error },
}

/// Writes the handover to `output` atomically (a temporary file in the same folder, then renamed): a
/// failed write leaves any earlier file as it was.
///
/// # Errors
/// The PDF cannot be made or the file cannot be written.
pub fn write_handover(h: &Handover, output: &std::path::Path) -> Result<(), PdfError> {
    let bytes = handover_pdf(h)?;
    let file_error = |error: std::io::Error| PdfError::File {
        path: output.display().to_string(),
        error,
    };
    // The same safe write as a case: atomic, a link followed, the mode kept, a read-only file refused.
    crate::io::safe_write::write_atomically(output, &bytes).map_err(file_error)
}

/// One piece of text placed on a page.
struct Placed {
    x: f32,
    y: f32,
    size: f32,
    colour: (u8, u8, u8),
    text: String,
}

/// Text widths from the font's advances.
struct Measure<'a> {
    face: ttf_parser::Face<'a>,
}

impl Measure<'_> {
    fn width(&self, text: &str, size: f32) -> f32 {
        let per_em = f32::from(self.face.units_per_em());
        let units: f32 = text
            .chars()
            .map(|c| {
                self.face
                    .glyph_index(c)
                    .and_then(|g| self.face.glyph_hor_advance(g))
                    .map_or(per_em * 0.6, f32::from)
            })
            .sum();
        units * size / per_em
    }

    /// Greedy word wrap to `width`; a word longer than the line is cut by characters.
    fn wrap(&self, text: &str, size: f32, width: f32) -> Vec<String> {
        let mut lines = Vec::new();
        let mut line = String::new();
        for word in text.split(' ') {
            let candidate = if line.is_empty() {
                word.to_owned()
            } else {
                format!("{line} {word}")
            };
            if self.width(&candidate, size) <= width {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            let mut piece = String::new();
            for c in word.chars() {
                piece.push(c);
                if self.width(&piece, size) > width {
                    piece.pop();
                    lines.push(std::mem::take(&mut piece));
                    piece.push(c);
                }
            }
            line = piece;
        }
        if !line.is_empty() || lines.is_empty() {
            lines.push(line);
        }
        lines
    }
}

/// Pages of placed text, filled top to bottom.
struct Layout<'a> {
    measure: Measure<'a>,
    pages: Vec<Vec<Placed>>,
    y: f32,
    /// Where the body starts on each page, below the header's lines.
    top: f32,
}

impl Layout<'_> {
    fn page(&mut self) -> &mut Vec<Placed> {
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    /// Makes room for `height`, starting a new page when it does not fit.
    fn room(&mut self, height: f32) {
        if self.pages.is_empty() || self.y + height > BOTTOM {
            self.pages.push(Vec::new());
            self.y = self.top;
        }
    }

    fn text(&mut self, text: &str, size: f32, colour: (u8, u8, u8), indent: f32) {
        let lines = self.measure.wrap(text, size, PAGE_W - 2.0 * MARGIN - indent);
        for line in lines {
            self.room(size * 1.35);
            self.y += size * 1.35;
            let y = self.y;
            self.page().push(Placed {
                x: MARGIN + indent,
                y,
                size,
                colour,
                text: line,
            });
        }
    }

    fn table(&mut self, caption: &str, header: &[String], rows: &[Vec<String>], size: f32) {
        self.text(caption, BODY, (60, 60, 60), 0.0);
        let columns = header.len().max(1);
        let first = (PAGE_W - 2.0 * MARGIN) * if columns > 3 { 0.3 } else { 0.4 };
        let rest = (PAGE_W - 2.0 * MARGIN - first) / (columns - 1).max(1) as f32;
        let widths: Vec<f32> = (0..columns).map(|i| if i == 0 { first } else { rest }).collect();
        for (r, row) in std::iter::once(header)
            .chain(rows.iter().map(Vec::as_slice))
            .enumerate()
        {
            let wrapped: Vec<Vec<String>> = row
                .iter()
                .zip(&widths)
                .map(|(cell, w)| self.measure.wrap(cell, size, w - 6.0))
                .collect();
            let height = wrapped.iter().map(Vec::len).max().unwrap_or(1) as f32 * size * 1.3 + 3.0;
            self.room(height);
            let top = self.y;
            let mut x = MARGIN;
            let colour = if r == 0 { (0, 0, 0) } else { (25, 25, 25) };
            for (lines, w) in wrapped.iter().zip(&widths) {
                for (k, line) in lines.iter().enumerate() {
                    let y = top + size * 1.3 * (k as f32 + 1.0);
                    self.page().push(Placed {
                        x,
                        y,
                        size,
                        colour,
                        text: line.clone(),
                    });
                }
                x += w;
            }
            self.y = top + height;
        }
    }
}

/// The handover as PDF bytes.
///
/// # Errors
/// The font cannot be read, or krilla cannot write the document.
pub fn handover_pdf(h: &Handover) -> Result<Vec<u8>, PdfError> {
    sheets_pdf(std::slice::from_ref(h))
}

/// Several sheets in one document (the unit handover, issue 31): each starts on a new page and carries
/// its own header and footer; the pages are numbered through the document.
///
/// # Errors
/// The font cannot be read, or krilla cannot write the document.
pub fn sheets_pdf(sheets: &[Handover]) -> Result<Vec<u8>, PdfError> {
    let mut laid = Vec::with_capacity(sheets.len());
    for h in sheets {
        laid.push(lay_out(h)?);
    }
    render(sheets, &laid)
}

/// Writes several sheets to `output` atomically, as [`write_handover`] does one.
///
/// # Errors
/// The PDF cannot be made or the file cannot be written.
pub fn write_sheets(sheets: &[Handover], output: &std::path::Path) -> Result<(), PdfError> {
    let bytes = sheets_pdf(sheets)?;
    crate::io::safe_write::write_atomically(output, &bytes).map_err(|error| PdfError::File {
        path: output.display().to_string(),
        error,
    })
}

/// A sheet laid out: its header lines and its pages.
struct Laid {
    header: Vec<String>,
    pages: Vec<Vec<Placed>>,
}

fn lay_out(h: &Handover) -> Result<Laid, PdfError> {
    let face = ttf_parser::Face::parse(FONT, 0).map_err(|_| PdfError::Font)?;
    let measure = Measure { face };
    // A wrapped header's later lines say they continue it: none can pass for a line of its own.
    let header: Vec<String> = measure
        .wrap(
            &format!("{}: {}", h.subject, h.patient_line),
            HEADER,
            PAGE_W - 2.0 * MARGIN - 60.0,
        )
        .into_iter()
        .enumerate()
        .map(|(i, line)| {
            if i == 0 {
                line
            } else {
                format!("({}, continued) {line}", h.subject.to_lowercase())
            }
        })
        .collect();
    #[allow(clippy::cast_precision_loss, reason = "a handful of header lines")]
    let top = TOP + HEADER_LINE * (header.len().max(1) - 1) as f32;
    let mut layout = Layout {
        measure,
        pages: Vec::new(),
        y: top,
        top,
    };
    for (i, block) in h.blocks.iter().enumerate() {
        match block {
            Block::Heading(t) => {
                // A heading never ends a page alone: it keeps its first line, and the signature lines
                // stay with "Checked and signed" (issue 29: they were orphaned at the foot of page 1).
                let following = &h.blocks[i + 1..];
                let signatures = following
                    .iter()
                    .take_while(|b| matches!(b, Block::Signature(_)))
                    .count();
                #[allow(clippy::cast_precision_loss, reason = "a few lines")]
                let keep = if signatures > 0 {
                    signatures as f32 * (10.0 + (BODY + 1.0) * 1.35)
                } else {
                    2.0 * BODY * 1.35
                };
                layout.room(6.0 + HEADING * 1.35 + keep);
                layout.y += 6.0;
                layout.text(t, HEADING, (0, 0, 0), 0.0);
            }
            Block::Text(t) => layout.text(t, BODY, (25, 25, 25), 0.0),
            Block::Strong(t) => layout.text(t, STRONG, (0, 0, 0), 0.0),
            Block::Danger { text, grave } => {
                let colour = if *grave { (170, 0, 0) } else { (120, 70, 0) };
                layout.text(&format!("⚠ {text}"), STRONG, colour, 0.0);
            }
            Block::Table {
                caption,
                header,
                rows,
                compact,
            } => layout.table(caption, header, rows, if *compact { COMPACT } else { BODY }),
            Block::Signature(who) => {
                layout.y += 10.0;
                layout.text(
                    &format!("{who}: ________________________________   Date and time: ____________________"),
                    BODY + 1.0,
                    (0, 0, 0),
                    0.0,
                );
            }
        }
    }
    Ok(Laid {
        header,
        pages: layout.pages,
    })
}

fn render(sheets: &[Handover], laid: &[Laid]) -> Result<Vec<u8>, PdfError> {
    let font = Font::new(FONT.to_vec().into(), 0).ok_or(PdfError::Font)?;
    let mut document = Document::new();
    let total: usize = laid.iter().map(|l| l.pages.len()).sum();
    let settings = PageSettings::from_wh(PAGE_W, PAGE_H).ok_or_else(|| PdfError::Write("page size".to_owned()))?;
    let pages = sheets
        .iter()
        .zip(laid)
        .flat_map(|(h, l)| l.pages.iter().map(move |placed| (h, &l.header, placed)));
    for (i, (h, header, placed)) in pages.enumerate() {
        let mut page = document.start_page_with(settings.clone());
        let mut surface = page.surface();
        let mut draw = |x: f32, y: f32, size: f32, colour: (u8, u8, u8), text: &str| {
            surface.set_fill(Some(Fill {
                paint: rgb::Color::new(colour.0, colour.1, colour.2).into(),
                opacity: NormalizedF32::ONE,
                rule: krilla::paint::FillRule::default(),
            }));
            surface.draw_text(
                Point::from_xy(x, y),
                font.clone(),
                size,
                text,
                false,
                TextDirection::Auto,
            );
        };
        for (n, line) in header.iter().enumerate() {
            #[allow(clippy::cast_precision_loss, reason = "a handful of header lines")]
            let y = MARGIN + 10.0 + HEADER_LINE * n as f32;
            draw(MARGIN, y, HEADER, (0, 0, 0), line);
        }
        for p in placed {
            draw(p.x, p.y, p.size, p.colour, &p.text);
        }
        draw(
            MARGIN,
            PAGE_H - MARGIN,
            8.0,
            (70, 70, 70),
            &format!("page {} of {total} · {}", i + 1, h.footer),
        );
        surface.finish();
        page.finish();
    }
    document.finish().map_err(|e| PdfError::Write(format!("{e:?}")))
}
