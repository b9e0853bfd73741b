//! A bounds-checked cursor over untrusted bytes. Every binary format in
//! core reads through this, so no parser indexes input directly and every
//! short read is the same clear error.

use thiserror::Error;

/// The input ended before a field, or continued after the last one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum ReadError {
    /// A field needed more bytes than were left.
    #[error("the data ends early: {field} needs {needed} bytes at offset {offset}")]
    Truncated {
        /// The field being read.
        field: &'static str,
        /// Where it starts.
        offset: usize,
        /// Its length.
        needed: usize,
    },
    /// Bytes were left after the last field.
    #[error("{extra} unexpected bytes after the end of the data")]
    TrailingBytes {
        /// How many.
        extra: usize,
    },
}

/// Reads fields front to back.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    bytes: &'a [u8],
    offset: usize,
}

impl<'a> Reader<'a> {
    /// Starts at the first byte.
    pub fn new(bytes: &'a [u8]) -> Self {
        Reader { bytes, offset: 0 }
    }

    /// Bytes consumed so far.
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// Bytes not yet read.
    pub fn remaining(&self) -> usize {
        self.bytes.len() - self.offset
    }

    /// Everything read so far (what a signature that follows covers).
    pub fn consumed(&self) -> &'a [u8] {
        self.bytes.get(..self.offset).unwrap_or_default()
    }

    /// The next `len` bytes.
    pub fn take(&mut self, field: &'static str, len: usize) -> Result<&'a [u8], ReadError> {
        let end = self.offset.checked_add(len);
        match end.and_then(|end| self.bytes.get(self.offset..end)) {
            Some(slice) => {
                self.offset += len;
                Ok(slice)
            }
            None => Err(ReadError::Truncated {
                field,
                offset: self.offset,
                needed: len,
            }),
        }
    }

    /// The next `N` bytes as an array.
    pub fn array<const N: usize>(&mut self, field: &'static str) -> Result<[u8; N], ReadError> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(field, N)?);
        Ok(out)
    }

    /// A big-endian unsigned integer of `len` bytes (at most 8).
    pub fn uint(&mut self, field: &'static str, len: usize) -> Result<u64, ReadError> {
        debug_assert!(len <= 8, "uint reads at most 8 bytes");
        Ok(self
            .take(field, len.min(8))?
            .iter()
            .fold(0u64, |value, &byte| value << 8 | u64::from(byte)))
    }

    /// One byte.
    pub fn u8(&mut self, field: &'static str) -> Result<u8, ReadError> {
        Ok(u8::from_be_bytes(self.array(field)?))
    }

    /// Big-endian u16.
    pub fn u16(&mut self, field: &'static str) -> Result<u16, ReadError> {
        Ok(u16::from_be_bytes(self.array(field)?))
    }

    /// Big-endian u32.
    pub fn u32(&mut self, field: &'static str) -> Result<u32, ReadError> {
        Ok(u32::from_be_bytes(self.array(field)?))
    }

    /// Big-endian u64.
    pub fn u64(&mut self, field: &'static str) -> Result<u64, ReadError> {
        Ok(u64::from_be_bytes(self.array(field)?))
    }

    /// Fails if anything is left.
    pub fn finish(self) -> Result<(), ReadError> {
        match self.remaining() {
            0 => Ok(()),
            extra => Err(ReadError::TrailingBytes { extra }),
        }
    }
}

/// Appends the low `len` bytes of `value`, big-endian.
pub fn put_uint(out: &mut Vec<u8>, value: u64, len: usize) {
    let bytes = value.to_be_bytes();
    out.extend_from_slice(bytes.get(8 - len.min(8)..).unwrap_or_default());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_fields_and_reports_short_and_long_input() {
        let bytes = [1, 2, 3, 4, 5, 6, 7];
        let mut reader = Reader::new(&bytes);
        assert_eq!(reader.u8("a").unwrap(), 1);
        assert_eq!(reader.u16("b").unwrap(), 0x0203);
        assert_eq!(reader.uint("c", 3).unwrap(), 0x04_0506);
        assert_eq!(reader.consumed(), &bytes[..6]);
        assert_eq!(
            reader.u16("d"),
            Err(ReadError::Truncated {
                field: "d",
                offset: 6,
                needed: 2
            })
        );
        assert_eq!(
            reader.clone().finish(),
            Err(ReadError::TrailingBytes { extra: 1 })
        );
        reader.u8("e").unwrap();
        assert_eq!(reader.finish(), Ok(()));
        assert!(Reader::new(&[]).take("huge", usize::MAX).is_err());
    }

    #[test]
    fn writes_big_endian() {
        let mut out = Vec::new();
        put_uint(&mut out, 0x0102_0304_0506, 5);
        assert_eq!(out, [2, 3, 4, 5, 6]);
    }
}
