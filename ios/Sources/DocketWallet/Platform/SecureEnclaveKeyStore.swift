// iOS only: compiled by Xcode for the app, never on Linux.
#if canImport(Security) && os(iOS)
import DocketFFI
import Foundation
import Security

/// The device key, a P-256 key made in and never leaving the Secure
/// Enclave, as the library's ``KeyStore``.
///
/// The key is created once (``createKey()``), kept under an application
/// tag, usable after the first unlock since boot (so background syncs can
/// sign) and never backed up or moved to another device
/// (`kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly`). Signatures are
/// ECDSA over SHA-256 of the message (`.ecdsaSignatureMessageX962SHA256`,
/// the Secure Enclave hashes), ASN.1 DER — what the library expects.
///
/// The iOS Simulator has no Secure Enclave: there the key is an ordinary
/// Keychain key with the same attributes otherwise, so the app can be
/// tried; never ship a build for devices that way (this branch is compiled
/// only for the simulator).
public final class SecureEnclaveKeyStore: KeyStore {
    /// The Keychain application tag the private key is stored under.
    public let tag: Data

    /// A key store for the key under `tag` (one per app; change it only to
    /// keep separate profiles).
    public init(tag: String = "org.docketwallet.device-key") {
        self.tag = Data(tag.utf8)
    }

    /// Creates the device key if it does not exist yet and returns its
    /// public key, uncompressed SEC1 (`04 || X || Y`, 65 bytes).
    public func createKey() throws -> Data {
        if let existing = try privateKey() {
            return try publicKeyBytes(of: existing)
        }
        var error: Unmanaged<CFError>?
        guard
            let access = SecAccessControlCreateWithFlags(
                kCFAllocatorDefault,
                kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly,
                .privateKeyUsage,
                &error)
        else {
            throw Self.failure("cannot describe the key's access", error)
        }
        var attributes: [String: Any] = [
            kSecAttrKeyType as String: kSecAttrKeyTypeECSECPrimeRandom,
            kSecAttrKeySizeInBits as String: 256,
            kSecPrivateKeyAttrs as String: [
                kSecAttrIsPermanent as String: true,
                kSecAttrApplicationTag as String: tag,
                kSecAttrAccessControl as String: access,
            ] as [String: Any],
        ]
        #if !targetEnvironment(simulator)
        attributes[kSecAttrTokenID as String] = kSecAttrTokenIDSecureEnclave
        #endif
        guard let key = SecKeyCreateRandomKey(attributes as CFDictionary, &error) else {
            throw Self.failure("cannot create the device key", error)
        }
        return try publicKeyBytes(of: key)
    }

    /// The device key's public key, uncompressed SEC1 (`04 || X || Y`).
    public func publicKey() throws -> Data {
        guard let key = try privateKey() else {
            throw PlatformError.Failed(message: "the device key does not exist")
        }
        return try publicKeyBytes(of: key)
    }

    /// Signs `message` with the device key: ECDSA P-256 over its SHA-256,
    /// ASN.1 DER.
    public func sign(message: Data) throws -> Data {
        guard let key = try privateKey() else {
            throw PlatformError.Failed(message: "the device key does not exist")
        }
        let algorithm = SecKeyAlgorithm.ecdsaSignatureMessageX962SHA256
        guard SecKeyIsAlgorithmSupported(key, .sign, algorithm) else {
            throw PlatformError.Failed(message: "the device key cannot make ECDSA SHA-256 signatures")
        }
        var error: Unmanaged<CFError>?
        guard let signature = SecKeyCreateSignature(key, algorithm, message as CFData, &error) else {
            throw Self.failure("cannot sign with the device key", error)
        }
        return signature as Data
    }

    /// The private key's reference, or `nil` if there is none yet.
    private func privateKey() throws -> SecKey? {
        var query: [String: Any] = [
            kSecClass as String: kSecClassKey,
            kSecAttrApplicationTag as String: tag,
            kSecAttrKeyType as String: kSecAttrKeyTypeECSECPrimeRandom,
            kSecReturnRef as String: true,
        ]
        #if !targetEnvironment(simulator)
        query[kSecAttrTokenID as String] = kSecAttrTokenIDSecureEnclave
        #endif
        var item: CFTypeRef?
        let status = SecItemCopyMatching(query as CFDictionary, &item)
        switch status {
        case errSecSuccess:
            guard let item, CFGetTypeID(item) == SecKeyGetTypeID() else {
                throw PlatformError.Failed(message: "the Keychain returned something that is not a key")
            }
            return (item as! SecKey)  // the type was checked above
        case errSecItemNotFound:
            return nil
        case errSecInteractionNotAllowed:
            throw PlatformError.Locked
        default:
            throw PlatformError.Failed(message: "the Keychain failed (OSStatus \(status))")
        }
    }

    private func publicKeyBytes(of privateKey: SecKey) throws -> Data {
        guard let publicKey = SecKeyCopyPublicKey(privateKey) else {
            throw PlatformError.Failed(message: "the device key has no public key")
        }
        var error: Unmanaged<CFError>?
        guard let bytes = SecKeyCopyExternalRepresentation(publicKey, &error) else {
            throw Self.failure("cannot export the public key", error)
        }
        return bytes as Data
    }

    private static func failure(_ what: String, _ error: Unmanaged<CFError>?) -> PlatformError {
        guard let error = error?.takeRetainedValue() else {
            return PlatformError.Failed(message: what)
        }
        if CFErrorGetCode(error) == Int(errSecInteractionNotAllowed) {
            return PlatformError.Locked
        }
        return PlatformError.Failed(message: "\(what): \(error.localizedDescription)")
    }
}
#endif
