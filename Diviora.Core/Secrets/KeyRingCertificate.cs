using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Diviora.Core.Secrets;

/// <summary>The certificate that encrypts the Data Protection key ring, from a PFX file or base64 PFX text.</summary>
public static class KeyRingCertificate
{
    /// <summary>Loads <paramref name="pfx"/> (a path, or base64 of the PFX) with <paramref name="password"/>; it must hold a private key.</summary>
    /// <exception cref="InvalidOperationException">The file is missing, the password is wrong, or there is no private key; the message names the setting.</exception>
    public static X509Certificate2 Load(string pfx, string? password)
    {
        X509Certificate2 certificate;
        try
        {
            certificate = File.Exists(pfx)
                ? X509CertificateLoader.LoadPkcs12FromFile(pfx, password, X509KeyStorageFlags.EphemeralKeySet)
                : X509CertificateLoader.LoadPkcs12(Convert.FromBase64String(pfx), password, X509KeyStorageFlags.EphemeralKeySet);
        }
        catch (Exception e) when (e is CryptographicException or FormatException)
        {
            throw new InvalidOperationException(
                $"{SecretsExtensions.KeyRingCertificateSetting} is neither a readable PFX file nor base64 of a PFX, or {SecretsExtensions.KeyRingCertificatePasswordSetting} does not open it: {e.Message}", e);
        }

        return certificate.HasPrivateKey
            ? certificate
            : throw new InvalidOperationException($"The certificate of {SecretsExtensions.KeyRingCertificateSetting} ({certificate.Subject}) has no private key: the key ring could not be read back.");
    }

    /// <summary>A new self-signed RSA certificate for the key ring, as a PFX protected by <paramref name="password"/>.</summary>
    public static byte[] CreatePfx(string password)
    {
        using var rsa = RSA.Create(3072);
        var request = new CertificateRequest("CN=Diviora key ring", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyEncipherment | X509KeyUsageFlags.DataEncipherment, critical: true));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(100));
        return certificate.Export(X509ContentType.Pfx, password);
    }
}
