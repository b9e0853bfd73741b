// iOS only: compiled by Xcode for the app, never on Linux.
#if canImport(Security) && os(iOS)
import DocketFFI
import Foundation
import Security

/// Small secrets (the wallet database's key) as generic-password items in
/// the Keychain, as the library's ``SecretStore``.
///
/// Items are readable after the first unlock since boot (so background
/// syncs can open the database) and never leave the device
/// (`kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly`): a backup restored
/// on another phone has no key, and the wallet reports that instead of
/// reading or resetting the database.
public final class KeychainSecretStore: SecretStore {
    /// The Keychain service the items are stored under.
    public let service: String

    /// A store for items under `service`.
    public init(service: String = "org.docketwallet.secrets") {
        self.service = service
    }

    /// The secret saved under `name`, or `nil`.
    ///
    /// - Throws: ``PlatformError/Locked`` before the first unlock since
    ///   boot, ``PlatformError/Failed(message:)`` otherwise.
    public func load(name: String) throws -> Data? {
        var query = itemQuery(name)
        query[kSecReturnData as String] = true
        query[kSecMatchLimit as String] = kSecMatchLimitOne
        var item: CFTypeRef?
        let status = SecItemCopyMatching(query as CFDictionary, &item)
        switch status {
        case errSecSuccess:
            guard let data = item as? Data else {
                throw PlatformError.Failed(message: "the Keychain item holds no data")
            }
            return data
        case errSecItemNotFound:
            return nil
        default:
            throw Self.error(status)
        }
    }

    /// Saves `secret` under `name`, replacing any earlier one; on disk when
    /// this returns.
    public func save(name: String, secret: Data) throws {
        let query = itemQuery(name)
        let changes: [String: Any] = [
            kSecValueData as String: secret,
            kSecAttrAccessible as String: kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly,
        ]
        let updated = SecItemUpdate(query as CFDictionary, changes as CFDictionary)
        switch updated {
        case errSecSuccess:
            return
        case errSecItemNotFound:
            let added = SecItemAdd(query.merging(changes) { _, new in new } as CFDictionary, nil)
            guard added == errSecSuccess else { throw Self.error(added) }
        default:
            throw Self.error(updated)
        }
    }

    private func itemQuery(_ name: String) -> [String: Any] {
        [
            kSecClass as String: kSecClassGenericPassword,
            kSecAttrService as String: service,
            kSecAttrAccount as String: name,
        ]
    }

    private static func error(_ status: OSStatus) -> PlatformError {
        if status == errSecInteractionNotAllowed {
            return PlatformError.Locked
        }
        let text = SecCopyErrorMessageString(status, nil) as String? ?? "OSStatus \(status)"
        return PlatformError.Failed(message: "the Keychain failed: \(text)")
    }
}
#endif
