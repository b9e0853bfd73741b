import DocketFFI

extension DocketError {
    /// The stable code to branch on and to look up the translated text:
    /// the library's code for `.Enrollment`, `.Storage`, `.Sync` and
    /// `.InvalidInput` and `.KeyStore` (e.g. `activation_code_wrong`,
    /// `state_unknown`, `key_store_locked`), and `not_enrolled` or
    /// `internal` for the other cases.
    public var code: String {
        switch self {
        case .Enrollment(let code, _), .Storage(let code, _), .Sync(let code, _),
            .InvalidInput(let code, _), .KeyStore(let code, _):
            return code
        case .NotEnrolled:
            return "not_enrolled"
        case .Internal:
            return "internal"
        }
    }

    /// The English sentence the holder or officer can act on. (The
    /// generated `errorDescription` is a debug dump of the case, not this.)
    public var message: String {
        switch self {
        case .Enrollment(_, let message), .Storage(_, let message), .Sync(_, let message),
            .InvalidInput(_, let message), .KeyStore(_, let message):
            return message
        case .NotEnrolled(let message), .Internal(let message):
            return message
        }
    }
}
