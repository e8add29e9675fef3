using Aspire.Hosting.ApplicationModel;

using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Aspire.Hosting;

/// <summary>
/// The certificate that encrypts the Data Protection key ring in the <c>dataprotection-keys</c> container: a
/// self-signed one made once in the data folder (<c>keyring.pfx</c>, its generated password in <c>keyring.password</c>,
/// both mode 600), so reading the storage account alone no longer gives the keys that decrypt the secrets.
/// </summary>
internal static class KeyRingExtensions
{
    /// <summary>Passes the key ring certificate and its password to <paramref name="service"/>.</summary>
    public static IResourceBuilder<ProjectResource> WithKeyRingCertificate(
        this IResourceBuilder<ProjectResource> service, IResourceBuilder<ParameterResource> password, string pfxFile) =>
        service
            .WithEnvironment("Diviora__Secrets__KeyRingCertificate", pfxFile)
            .WithEnvironment("Diviora__Secrets__KeyRingCertificatePassword", password);

    /// <summary>Makes <c>{dataDirectory}/keyring.pfx</c> and its password on first use; returns the password parameter and the file.</summary>
    public static (IResourceBuilder<ParameterResource> Password, string PfxFile) AddKeyRingCertificate(this IDistributedApplicationBuilder builder, string dataDirectory)
    {
        var pfxFile = Path.Combine(dataDirectory, "keyring.pfx");
        var passwordFile = Path.Combine(dataDirectory, "keyring.password");
        if (!File.Exists(pfxFile))
        {
            if (File.Exists(passwordFile))
            {
                File.Delete(passwordFile);
            }

            var created = RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 32);
            using var rsa = RSA.Create(3072);
            var request = new CertificateRequest("CN=Diviora key ring", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyEncipherment | X509KeyUsageFlags.DataEncipherment, critical: true));
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(100));
            // The password first: a PFX without its password would be a key ring nobody can read.
            WritePrivate(passwordFile, System.Text.Encoding.UTF8.GetBytes(created));
            WritePrivate(pfxFile, certificate.Export(X509ContentType.Pfx, created));
        }
        else if (!File.Exists(passwordFile))
        {
            throw new DistributedApplicationException(
                $"The key ring certificate {pfxFile} exists but its password file {passwordFile} is gone. Restore the file; without it the secrets stored since the certificate was made cannot be read.");
        }

        var password = File.ReadAllText(passwordFile).Trim();
        return (builder.AddParameter("keyring-password", password, secret: true), pfxFile);
    }

    private static void WritePrivate(string path, byte[] content)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var file = new FileStream(path, options);
        file.Write(content);
    }
}
