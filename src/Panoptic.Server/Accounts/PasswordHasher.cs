using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Panoptic.Server.Accounts;

/// <summary>
/// PBKDF2-HMAC-SHA256 with a 16-byte random salt, stored as pbkdf2-sha256$iterations$salt$hash so the iteration count
/// can rise later without invalidating existing hashes. Verification is constant-time.
/// </summary>
internal static class PasswordHasher
{
    private const string Scheme = "pbkdf2-sha256";

    public static string Hash(string password, int iterations)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, 32);
        return string.Join('$', Scheme, iterations.ToString(CultureInfo.InvariantCulture), Convert.ToBase64String(salt), Convert.ToBase64String(hash));
    }

    public static bool Verify(string password, string stored)
    {
        var parts = stored.Split('$');
        if (parts.Length != 4 || parts[0] != Scheme || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out var iterations)) return false;
        var expected = Convert.FromBase64String(parts[3]);
        var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), Convert.FromBase64String(parts[2]), iterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }
}
