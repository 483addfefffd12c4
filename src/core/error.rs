//! libolm's error codes and their strings.

/// Every way a libolm call can fail. The discriminants are libolm's `OlmErrorCode` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OlmError {
    NotEnoughRandom = 1,
    OutputBufferTooSmall = 2,
    BadMessageVersion = 3,
    BadMessageFormat = 4,
    BadMessageMac = 5,
    BadMessageKeyId = 6,
    InvalidBase64 = 7,
    BadAccountKey = 8,
    UnknownPickleVersion = 9,
    CorruptedPickle = 10,
    BadSessionKey = 11,
    UnknownMessageIndex = 12,
    BadLegacyAccountPickle = 13,
    BadSignature = 14,
    InputBufferTooSmall = 15,
    SasTheirKeyNotSet = 16,
    PickleExtraData = 17,
}

/// libolm's strings, indexed by error code (0 is success). Each carries a terminating NUL so
/// that the C layer can hand out the very same static bytes.
const ERROR_STRINGS: [&str; 18] = [
    "SUCCESS\0",
    "NOT_ENOUGH_RANDOM\0",
    "OUTPUT_BUFFER_TOO_SMALL\0",
    "BAD_MESSAGE_VERSION\0",
    "BAD_MESSAGE_FORMAT\0",
    "BAD_MESSAGE_MAC\0",
    "BAD_MESSAGE_KEY_ID\0",
    "INVALID_BASE64\0",
    "BAD_ACCOUNT_KEY\0",
    "UNKNOWN_PICKLE_VERSION\0",
    "CORRUPTED_PICKLE\0",
    "BAD_SESSION_KEY\0",
    "UNKNOWN_MESSAGE_INDEX\0",
    "BAD_LEGACY_ACCOUNT_PICKLE\0",
    "BAD_SIGNATURE\0",
    "OLM_INPUT_BUFFER_TOO_SMALL\0",
    "OLM_SAS_THEIR_KEY_NOT_SET\0",
    "OLM_PICKLE_EXTRA_DATA\0",
];

const UNKNOWN_ERROR: &str = "UNKNOWN_ERROR\0";

/// The string for a numeric error code with its terminating NUL.
pub fn error_code_str_nul(code: u32) -> &'static str {
    ERROR_STRINGS.get(code as usize).copied().unwrap_or(UNKNOWN_ERROR)
}

/// The string libolm gives for a numeric error code, "UNKNOWN_ERROR" for codes it does not know.
pub fn error_code_str(code: u32) -> &'static str {
    error_code_str_nul(code).trim_end_matches('\0')
}

impl OlmError {
    pub fn code(self) -> u32 {
        self as u32
    }

    pub fn as_str(self) -> &'static str {
        error_code_str(self.code())
    }
}

impl core::fmt::Display for OlmError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::error::Error for OlmError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_match_libolm() {
        assert_eq!(error_code_str(0), "SUCCESS");
        assert_eq!(OlmError::BadMessageMac.as_str(), "BAD_MESSAGE_MAC");
        assert_eq!(OlmError::PickleExtraData.as_str(), "OLM_PICKLE_EXTRA_DATA");
        assert_eq!(OlmError::PickleExtraData.code(), 17);
        assert_eq!(error_code_str(18), "UNKNOWN_ERROR");
        assert_eq!(error_code_str(u32::MAX), "UNKNOWN_ERROR");
    }
}
