//! The protobuf-like field encoding of Olm and Megolm messages: a tag byte (field number << 3 |
//! wire type, 0 for a varint, 2 for length-delimited bytes) then the value.
//!
//! The reader reproduces libolm's lenient parser bit for bit: fields in any order, a repeated
//! field overrides the earlier one, unknown varint and length-delimited fields are skipped, an
//! over-long length leaves its field unset and ends the message, and a varint that runs to the
//! end of the data is taken as it stands. It borrows from its input and never allocates.

/// Bytes in the varint encoding of `value`.
pub const fn varint_len(mut value: u64) -> usize {
    let mut n = 1;
    while value >= 0x80 {
        n += 1;
        value >>= 7;
    }
    n
}

/// Bytes of a length-delimited field (tag, length, content) of `length` bytes.
pub const fn bytes_field_len(length: usize) -> usize {
    1 + varint_len(length as u64) + length
}

/// Writes tagged fields into an output buffer sized beforehand.
pub struct FieldWriter<'a> {
    buf: &'a mut [u8],
    pos: usize,
}

impl<'a> FieldWriter<'a> {
    pub fn new(buf: &'a mut [u8]) -> Self {
        Self { buf, pos: 0 }
    }

    pub fn byte(&mut self, byte: u8) {
        self.buf[self.pos] = byte;
        self.pos += 1;
    }

    pub fn varint(&mut self, mut value: u64) {
        while value >= 0x80 {
            self.byte(value as u8 | 0x80);
            value >>= 7;
        }
        self.byte(value as u8);
    }

    pub fn varint_field(&mut self, tag: u8, value: u32) {
        self.byte(tag);
        self.varint(value as u64);
    }

    /// Writes the tag and length of a field and returns where its `length` bytes go.
    pub fn bytes_field_header(&mut self, tag: u8, length: usize) -> usize {
        self.byte(tag);
        self.varint(length as u64);
        let start = self.pos;
        self.pos += length;
        start
    }

    pub fn bytes_field(&mut self, tag: u8, content: &[u8]) {
        let start = self.bytes_field_header(tag, content.len());
        self.buf[start..start + content.len()].copy_from_slice(content);
    }
}

/// Reads tagged fields the way libolm does. Every step stays inside the data.
pub struct FieldReader<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> FieldReader<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        Self { data, pos: 0 }
    }

    pub fn at_end(&self) -> bool {
        self.pos == self.data.len()
    }

    /// The version byte; `None` for empty data.
    pub fn version(&mut self) -> Option<u8> {
        let v = *self.data.get(self.pos)?;
        self.pos += 1;
        Some(v)
    }

    /// Skips a varint: up to and including the first byte without the high bit, or to the end.
    fn skip_varint(&mut self) -> &'a [u8] {
        let start = self.pos;
        while let Some(&b) = self.data.get(self.pos) {
            self.pos += 1;
            if b & 0x80 == 0 {
                break;
            }
        }
        &self.data[start..self.pos]
    }

    /// libolm's varint value: seven bits per byte, last byte most significant, with the high
    /// bits beyond the type's width shifted out.
    fn varint_value(bytes: &[u8]) -> u64 {
        bytes.iter().rev().fold(0u64, |v, &b| v << 7 | (b & 0x7f) as u64)
    }

    fn next_is(&self, tag: u8) -> bool {
        self.data.get(self.pos) == Some(&tag)
    }

    /// A varint field with this tag, if it comes next.
    pub fn varint_field(&mut self, tag: u8, value: &mut Option<u32>) {
        if self.next_is(tag) {
            self.pos += 1;
            *value = Some(Self::varint_value(self.skip_varint()) as u32);
        }
    }

    /// A length and the content it announces, or `None` (and the end of the data) when the
    /// length runs past the end.
    fn length_delimited(&mut self) -> Option<&'a [u8]> {
        let length = Self::varint_value(self.skip_varint());
        let rest = self.data.len() - self.pos;
        if length > rest as u64 {
            self.pos = self.data.len();
            return None;
        }
        let content = &self.data[self.pos..self.pos + length as usize];
        self.pos += length as usize;
        Some(content)
    }

    /// A length-delimited field with this tag, if it comes next.
    pub fn bytes_field(&mut self, tag: u8, value: &mut Option<&'a [u8]>) {
        if self.next_is(tag) {
            self.pos += 1;
            if let Some(content) = self.length_delimited() {
                *value = Some(content);
            }
        }
    }

    /// Skips one field that no reader recognised: varint and length-delimited fields are
    /// stepped over (the tag itself read as a varint, as libolm does); any other wire type
    /// ends the message.
    pub fn skip_unknown(&mut self) {
        let Some(&tag) = self.data.get(self.pos) else { return };
        match tag & 0x7 {
            0 => {
                self.skip_varint();
                self.skip_varint();
            }
            2 => {
                self.skip_varint();
                self.length_delimited();
            }
            _ => self.pos = self.data.len(),
        }
    }

    /// Runs `read_known` (which tries each known field in turn) until the data ends, skipping
    /// a field whenever none was recognised.
    pub fn read_all(&mut self, mut read_known: impl FnMut(&mut Self)) {
        while !self.at_end() {
            let before = self.pos;
            read_known(self);
            if self.pos == before {
                self.skip_unknown();
            }
        }
    }
}
