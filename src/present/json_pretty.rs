//! Pretty JSON byte for byte as `serde_json::ser::PrettyFormatter` writes it (two spaces a level), with
//! each line break and its indentation written in one piece: serde's formatter writes the indentation
//! a level at a time, and a replay of a 90-day course has millions of keys (issue 20). The golden test
//! compares the streamed replay with `serde_json::to_string_pretty` for every case.

use std::io::{self, Write};

/// A line break and the indentation of the deepest level written in one piece; deeper levels (not in
/// any output of ours) continue two spaces at a time.
const BREAK_AND_INDENT: &[u8] = b",\n                                                                ";
const INDENT: &[u8] = b"  ";

/// The formatter; `current_indent` and `has_value` follow serde_json's own.
#[derive(Debug, Default)]
pub struct Pretty {
    current_indent: usize,
    has_value: bool,
}

impl Pretty {
    /// "\n" (or ",\n" when not `first`) and the current indentation.
    fn line_break<W: ?Sized + Write>(&self, writer: &mut W, comma: bool) -> io::Result<()> {
        let from = usize::from(!comma);
        let spaces = self.current_indent * INDENT.len();
        let fits = ((BREAK_AND_INDENT.len() - 2) / INDENT.len() * INDENT.len()).min(spaces);
        writer.write_all(&BREAK_AND_INDENT[from..2 + fits])?;
        for _ in 0..(spaces - fits) / INDENT.len() {
            writer.write_all(INDENT)?;
        }
        Ok(())
    }
}

impl Pretty {
    /// `[` or `{`: one level deeper, nothing in it yet.
    fn open<W: ?Sized + Write>(&mut self, writer: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.current_indent += 1;
        self.has_value = false;
        writer.write_all(bracket)
    }

    /// `]` or `}`: on a line of its own after a value, right after the opening one when empty.
    fn close<W: ?Sized + Write>(&mut self, writer: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.current_indent -= 1;
        if self.has_value {
            self.line_break(writer, false)?;
        }
        writer.write_all(bracket)
    }
}

impl serde_json::ser::Formatter for Pretty {
    fn begin_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.open(writer, b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.close(writer, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, writer: &mut W, first: bool) -> io::Result<()> {
        self.line_break(writer, !first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.open(writer, b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.close(writer, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, writer: &mut W, first: bool) -> io::Result<()> {
        self.line_break(writer, !first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        writer.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_what_serde_jsons_pretty_printer_writes_at_any_depth() {
        let mut deep = serde_json::json!({"leaf": [1, {"a": []}, {}], "empty": {}});
        for level in 0..40 {
            deep = serde_json::json!({ "level": level, "inner": [deep, "x\n\"y\""], "none": null });
        }
        let mut ours = Vec::new();
        serde::Serialize::serialize(
            &deep,
            &mut serde_json::Serializer::with_formatter(&mut ours, Pretty::default()),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let theirs = serde_json::to_string_pretty(&deep).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(String::from_utf8_lossy(&ours), theirs);
    }
}
