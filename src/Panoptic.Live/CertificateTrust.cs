using System.Security.Cryptography.X509Certificates;

namespace Panoptic.Live;

/// <summary>
/// Builds a server's chain the way the live checks judge it: to the machine's roots, or to the roots given in
/// <see cref="LiveOptions.TrustedRoots"/>; neither revocation nor missing intermediates are fetched, because only the hosts the user names are contacted.
/// </summary>
internal static class CertificateTrust
{
    public static (bool Valid, string Problems) Validate(X509Certificate2 leaf, IEnumerable<X509Certificate2> presented, LiveOptions options, DateTimeOffset now)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        // A missing intermediate is not fetched from its AIA address: that host was not named.
        chain.ChainPolicy.DisableCertificateDownloads = true;
        chain.ChainPolicy.VerificationTime = now.UtcDateTime;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        chain.ChainPolicy.ExtraStore.AddRange(presented.Where(c => c.Thumbprint != leaf.Thumbprint).ToArray());
        if (options.TrustedRoots.Count > 0)
        {
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(options.TrustedRoots);
        }
        var valid = chain.Build(leaf);
        var problems = string.Join("; ", chain.ChainStatus.Where(s => s.Status != X509ChainStatusFlags.NoError)
            .Select(s => s.Status switch
            {
                X509ChainStatusFlags.NotTimeValid => "a certificate in the chain is outside its validity period",
                X509ChainStatusFlags.UntrustedRoot or X509ChainStatusFlags.PartialChain => "the chain does not end at a trusted root",
                _ => s.StatusInformation.Trim().Length > 0 ? s.StatusInformation.Trim() : s.Status.ToString(),
            }).Distinct());
        return (valid, problems);
    }
}
