using System.Globalization;
using System.Security.Cryptography;
using DnsClient;
using DnsClient.Protocol;
using Panoptic.Scanner.Readiness;

namespace Panoptic.Live;

/// <summary>
/// DNS and email authentication of a sending domain: MX, SPF (one record, valid, at most 10 lookups, ending -all/~all),
/// DMARC (policy and reporting address), DKIM for the registry's email providers, CAA, DNSSEC.
/// </summary>
internal sealed class DnsChecks(ILookupClient dns, LiveOptions options, string resolver)
{
    private const int LookupLimit = 10;

    public async Task<List<LiveResult>> RunAsync(LiveTarget target, CancellationToken cancellationToken)
    {
        var domain = target.Host;
        var now = options.Time.GetUtcNow();
        var results = new List<LiveResult>();
        void Add(string check, string status, string message, string? readiness) =>
            results.Add(new LiveResult { Check = check, Target = domain, Status = status, Message = message, CheckedAt = now, Readiness = readiness });

        var mx = await QueryAsync(domain, QueryType.MX, cancellationToken);
        if (mx.Error is { } unreachable)
        {
            Add("dns.mx", "error", $"MX lookup failed: {unreachable}", "email.spf_dkim");
            return results;
        }
        if (mx.Response!.Header.ResponseCode == DnsHeaderResponseCode.NotExistentDomain)
        {
            var missing = $"NXDOMAIN: {domain} does not exist (resolver {resolver})";
            Add("dns.mx", "fail", missing, "email.spf_dkim");
            Add("dns.dmarc", "fail", missing, "email.dmarc");
            return results;
        }
        var exchanges = mx.Response.Answers.MxRecords().OrderBy(r => r.Preference).Select(r => r.Exchange.Value.TrimEnd('.')).ToList();
        if (exchanges.Count > 0) Add("dns.mx", "pass", $"MX {string.Join(", ", exchanges.Take(3))}", "email.spf_dkim");
        else Add("dns.mx", "fail", "no MX record: replies and bounces to this domain cannot be delivered", "email.spf_dkim");

        // The lookups are independent: asked at once, reported in a fixed order.
        var spfTask = SpfAsync(domain, cancellationToken);
        var dmarcTask = DmarcAsync(domain, cancellationToken);
        var dkimTask = DkimAsync(domain, cancellationToken);
        var caaTask = QueryAsync(domain, QueryType.CAA, cancellationToken);
        var keyTask = QueryAsync(domain, QueryType.DNSKEY, cancellationToken);
        var (spfStatus, spfMessage) = await spfTask;
        Add("dns.spf", spfStatus, spfMessage, "email.spf_dkim");
        var (dmarcStatus, dmarcMessage) = await dmarcTask;
        Add("dns.dmarc", dmarcStatus, dmarcMessage, "email.dmarc");
        foreach (var (status, message) in await dkimTask) Add("dns.dkim", status, message, "email.spf_dkim");

        var caa = await caaTask;
        if (caa.Error is { } caaError) Add("dns.caa", "error", $"CAA lookup failed: {caaError}", null);
        else
        {
            var issuers = caa.Response!.Answers.CaaRecords().Where(r => r.Tag is "issue" or "issuewild").Select(r => r.Value).Distinct().ToList();
            if (issuers.Count > 0) Add("dns.caa", "pass", $"CAA allows {string.Join(", ", issuers)}", null);
            else Add("dns.caa", "warn", "no CAA record: any certificate authority may issue for this domain", null);
        }

        var key = await keyTask;
        if (key.Error is { } keyError) Add("dns.dnssec", "error", $"DNSKEY lookup failed: {keyError}", null);
        else
        {
            var signed = key.Response!.Answers.OfType<DnsKeyRecord>().Any();
            var authenticated = key.Response.Header.IsAuthenticData || mx.Response.Header.IsAuthenticData;
            Add("dns.dnssec", "info", signed || authenticated
                ? $"DNSSEC: {(signed ? "DNSKEY published" : "no DNSKEY")}, {(authenticated ? "answers authenticated (AD)" : "answers not authenticated by the resolver")}"
                : "DNSSEC not enabled (no DNSKEY, no AD flag)", null);
        }
        return results;
    }

    private async Task<(string Status, string Message)> SpfAsync(string domain, CancellationToken cancellationToken)
    {
        var (records, error) = await TxtAsync(domain, cancellationToken);
        if (error is not null) return ("error", $"SPF lookup failed: {error}");
        var spf = records.Where(SpfRecord.IsSpf).ToList();
        if (spf.Count == 0) return ("fail", "no SPF record (v=spf1)");
        if (spf.Count > 1) return ("fail", $"{spf.Count} SPF records (a domain may publish only one; receivers treat this as a permanent error)");
        var record = SpfRecord.Parse(spf[0]);
        if (record.Invalid is { } bad) return ("fail", $"SPF is not valid: the term '{bad}' ({Short(spf[0])})");
        var lookups = await CountLookupsAsync(record, [domain], 0, cancellationToken);
        if (lookups.Error is { } lookupError) return ("error", $"SPF lookups could not be counted: {lookupError}");
        if (lookups.Count > LookupLimit) return ("fail", $"SPF needs {lookups.Count} DNS lookups (limit {LookupLimit}): receivers fail it with permerror");
        var ending = await EndingAsync(record, cancellationToken);
        return ending switch
        {
            '-' or '~' => ("pass", $"SPF {Short(spf[0])}: {lookups.Count} of {LookupLimit} lookups, ends {ending}all"),
            null => ("fail", $"SPF has no 'all' at its end ({Short(spf[0])}): mail from anywhere else is neutral, not rejected"),
            _ => ("fail", $"SPF ends {ending}all ({Short(spf[0])}): forged mail is not rejected"),
        };
    }

    private async Task<char?> EndingAsync(SpfRecord record, CancellationToken cancellationToken)
    {
        if (record.All is { } all) return all.Qualifier;
        if (record.Redirect is not { } redirect) return null;
        var (records, _) = await TxtAsync(redirect, cancellationToken);
        return records.Where(SpfRecord.IsSpf).Select(SpfRecord.Parse).FirstOrDefault()?.All?.Qualifier;
    }

    /// <summary>Counts include/a/mx/ptr/exists/redirect, following include and redirect into the records they name.</summary>
    private async Task<(int Count, string? Error)> CountLookupsAsync(SpfRecord record, HashSet<string> seen, int depth, CancellationToken cancellationToken)
    {
        var count = 0;
        foreach (var term in record.Lookups)
        {
            count++;
            if (count > LookupLimit || depth > LookupLimit || term.Name is not ("include" or "redirect") || term.Value is not { } target || !seen.Add(target)) continue;
            var (records, error) = await TxtAsync(target, cancellationToken);
            if (error is not null) return (count, $"{term.Name}:{target}: {error}");
            if (records.Where(SpfRecord.IsSpf).Select(SpfRecord.Parse).FirstOrDefault() is not { } inner) continue;
            var (nested, nestedError) = await CountLookupsAsync(inner, seen, depth + 1, cancellationToken);
            if (nestedError is not null) return (count, nestedError);
            count += nested;
        }
        return (count, null);
    }

    private async Task<(string Status, string Message)> DmarcAsync(string domain, CancellationToken cancellationToken)
    {
        var (records, error) = await TxtAsync("_dmarc." + domain, cancellationToken);
        if (error is not null) return ("error", $"DMARC lookup failed: {error}");
        var dmarc = records.Where(r => r.StartsWith("v=DMARC1", StringComparison.OrdinalIgnoreCase)).ToList();
        var inherited = "";
        var labels = domain.Split('.');
        if (dmarc.Count == 0 && labels.Length > 2)
        {
            // A subdomain without its own record is covered by its organizational domain's (its sp=, else its p=).
            // The organizational domain is taken as the last two labels: a public-suffix list would know co.uk.
            var parent = string.Join('.', labels[^2..]);
            var (parentRecords, parentError) = await TxtAsync("_dmarc." + parent, cancellationToken);
            if (parentError is null && parentRecords.Where(r => r.StartsWith("v=DMARC1", StringComparison.OrdinalIgnoreCase)).ToList() is { Count: 1 } found)
            {
                dmarc = found;
                inherited = $" (inherited from {parent})";
            }
        }
        if (dmarc.Count == 0) return ("fail", "no DMARC record at _dmarc." + domain);
        if (dmarc.Count > 1) return ("fail", $"{dmarc.Count} DMARC records at _dmarc.{domain} (receivers ignore them all)");
        var tags = dmarc[0].Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(t => t.Split('=', 2)).Where(p => p.Length == 2).GroupBy(p => p[0].Trim().ToLowerInvariant()).ToDictionary(g => g.Key, g => g.First()[1].Trim());
        var policy = (inherited.Length > 0 ? tags.GetValueOrDefault("sp") ?? tags.GetValueOrDefault("p") : tags.GetValueOrDefault("p"))?.ToLowerInvariant();
        var rua = tags.GetValueOrDefault("rua");
        var reports = rua is { Length: > 0 } ? $", reports to {rua}" : ", no reporting address (rua)";
        return policy switch
        {
            null => ("fail", $"DMARC has no policy (p=){inherited}"),
            "none" => ("warn", $"DMARC p=none{inherited}{reports}: failing mail is still delivered"),
            "quarantine" or "reject" when rua is not { Length: > 0 } => ("warn", $"DMARC p={policy}{inherited}{reports}"),
            "quarantine" or "reject" => ("pass", $"DMARC p={policy}{inherited}{reports}"),
            _ => ("fail", $"DMARC policy p={policy}{inherited} is not none, quarantine or reject"),
        };
    }

    private async Task<List<(string Status, string Message)>> DkimAsync(string domain, CancellationToken cancellationToken)
    {
        var found = new List<(string, string)>();
        var named = DkimSelectors.All.Where(p => options.EmailProviders.Contains(p.Id, StringComparer.OrdinalIgnoreCase)).ToList();
        var providers = named.Count > 0 ? named : DkimSelectors.All.Where(p => p.Selectors.Count > 0).ToList();
        var anyKey = false;
        foreach (var provider in providers)
        {
            if (provider.Selectors.Count == 0)
            {
                found.Add(("info", $"DKIM for {provider.Name}: {provider.Note}"));
                continue;
            }
            var keys = 0;
            var lookups = await Task.WhenAll(provider.Selectors.Select(async selector => (selector, Answer: await TxtAsync($"{selector}._domainkey.{domain}", cancellationToken))));
            foreach (var (selector, (records, error)) in lookups)
            {
                if (error is not null)
                {
                    found.Add(("error", $"DKIM {selector}._domainkey lookup failed: {error}"));
                    keys++;
                    continue;
                }
                foreach (var record in records.Where(r => r.Contains("p=", StringComparison.Ordinal)))
                {
                    keys++;
                    found.Add(DkimKey(selector, record));
                }
            }
            anyKey |= keys > 0;
            if (keys == 0 && named.Count > 0)
                found.Add(("fail", $"no DKIM key for {provider.Name} at {string.Join(", ", provider.Selectors.Select(s => s + "._domainkey"))}"));
        }
        if (named.Count == 0 && !anyKey)
            found.Add(("warn", "no DKIM key at the common selectors of known providers (the registry names no email provider, so the selector is unknown)"));
        return found;
    }

    internal static (string Status, string Message) DkimKey(string selector, string record)
    {
        var tags = record.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(t => t.Split('=', 2)).Where(p => p.Length == 2).GroupBy(p => p[0].Trim()).ToDictionary(g => g.Key, g => string.Concat(g.First()[1].Where(c => !char.IsWhiteSpace(c))));
        var p = tags.GetValueOrDefault("p") ?? "";
        if (p.Length == 0) return ("fail", $"DKIM {selector}._domainkey: the key is revoked (empty p=)");
        var kind = tags.GetValueOrDefault("k", "rsa");
        try
        {
            var der = Convert.FromBase64String(p);
            if (kind == "ed25519") return der.Length == 32 ? ("pass", $"DKIM {selector}._domainkey: Ed25519 key") : ("fail", $"DKIM {selector}._domainkey: the Ed25519 key is not 32 bytes");
            using var rsa = RSA.Create();
            rsa.ImportSubjectPublicKeyInfo(der, out _);
            return rsa.KeySize < 1024
                ? ("fail", string.Create(CultureInfo.InvariantCulture, $"DKIM {selector}._domainkey: RSA {rsa.KeySize}-bit key is too short"))
                : ("pass", string.Create(CultureInfo.InvariantCulture, $"DKIM {selector}._domainkey: RSA {rsa.KeySize}-bit key"));
        }
        catch (Exception e) when (e is FormatException or CryptographicException)
        {
            return ("fail", $"DKIM {selector}._domainkey: the key (p=) is not a valid public key");
        }
    }

    private async Task<(List<string> Records, string? Error)> TxtAsync(string name, CancellationToken cancellationToken)
    {
        var (response, error) = await QueryAsync(name, QueryType.TXT, cancellationToken);
        if (error is not null) return ([], error);
        // A TXT record's strings are one value split in 255-byte pieces (RFC 7208 section 3.3).
        return ([.. response!.Answers.TxtRecords().Select(r => string.Concat(r.Text))], null);
    }

    private async Task<(IDnsQueryResponse? Response, string? Error)> QueryAsync(string name, QueryType type, CancellationToken cancellationToken)
    {
        try
        {
            var response = await dns.QueryAsync(name, type, QueryClass.IN, cancellationToken);
            return response.Header.ResponseCode is DnsHeaderResponseCode.NoError or DnsHeaderResponseCode.NotExistentDomain
                ? (response, null)
                : (null, $"{response.Header.ResponseCode} for {name} {type} (resolver {resolver})");
        }
        catch (DnsResponseException e)
        {
            // The boundary of one query: a timeout or an unreachable resolver is this check's result.
            var what = e.Code == DnsResponseCode.ConnectionTimeout
                ? string.Create(CultureInfo.InvariantCulture, $"timeout after {options.Timeout.TotalSeconds:0.#} s")
                : e.DnsError;
            return (null, $"{what} for {name} {type} (resolver {resolver})");
        }
    }

    private static string Short(string record) => record.Length > 80 ? record[..77] + "..." : record;
}
