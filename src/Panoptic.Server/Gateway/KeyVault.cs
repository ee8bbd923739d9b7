using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Panoptic.Storage;
using Panoptic.Storage.Gateway;

namespace Panoptic.Server.Gateway;

/// <summary>
/// Envelope encryption for provider keys: each workspace has a random 256-bit data key that encrypts its provider
/// keys with AES-256-GCM (the workspace id bound in as associated data, so a ciphertext moved to another workspace
/// does not open); the data key is stored wrapped by the master key from configuration. Rotation: configure the new
/// master key and list the old one in PreviousMasterKeys; at start every data key wrapped by an old key is re-wrapped
/// with the new one (the provider keys themselves need no change), after which the old key can be dropped.
/// </summary>
internal sealed partial class KeyVault
{
    public const string MasterKeyVariable = "PANOPTIC_MASTER_KEY";
    private const int KeyBytes = 32, NonceBytes = 12, TagBytes = 16;

    private readonly PanopticStore _store;
    private readonly TimeProvider _time;
    private readonly Master _current;
    private readonly Dictionary<string, Master> _all = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte[]> _dataKeys = new(StringComparer.Ordinal);

    private sealed record Master(string Id, byte[] Key);

    public KeyVault(IOptions<ServerOptions> options, PanopticStore store, TimeProvider time, ILogger<KeyVault> logger)
    {
        _store = store;
        _time = time;
        var o = options.Value;
        _current = Load("MasterKey", o.MasterKey ?? Environment.GetEnvironmentVariable(MasterKeyVariable) ?? FromFile(o, logger));
        _all[_current.Id] = _current;
        foreach (var previous in (o.PreviousMasterKeys ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var master = Load("PreviousMasterKeys", previous);
            _all.TryAdd(master.Id, master);
        }
    }

    /// <summary>The current master key's id (a fingerprint, not the key).</summary>
    public string MasterKeyId => _current.Id;

    /// <summary>Encrypts a provider key for the workspace.</summary>
    public async Task<string> EncryptAsync(string workspaceId, string secret, CancellationToken cancellationToken) =>
        Seal(await DataKeyAsync(workspaceId, cancellationToken), Encoding.UTF8.GetBytes(secret), "provider-key:" + workspaceId);

    /// <summary>Decrypts a provider key of the workspace; throws <see cref="CryptographicException"/> when it does not open.</summary>
    public async Task<string> DecryptAsync(string workspaceId, string sealedSecret, CancellationToken cancellationToken) =>
        Encoding.UTF8.GetString(Open(await DataKeyAsync(workspaceId, cancellationToken), sealedSecret, "provider-key:" + workspaceId));

    /// <summary>Re-wraps every data key wrapped by an earlier master key with the current one; returns how many.</summary>
    public async Task<int> RewrapAllAsync(CancellationToken cancellationToken)
    {
        var count = 0;
        foreach (var key in await _store.DataKeysAsync(cancellationToken))
        {
            if (key.MasterKeyId == _current.Id || !_all.TryGetValue(key.MasterKeyId, out var old)) continue;
            var plain = Open(old.Key, key.WrappedKey, "data-key:" + key.WorkspaceId);
            if (await _store.RewrapDataKeyAsync(key.WorkspaceId, old.Id, Wrap(key.WorkspaceId, plain), _time.GetUtcNow(), cancellationToken)) count++;
        }
        return count;
    }

    private async Task<byte[]> DataKeyAsync(string workspaceId, CancellationToken cancellationToken)
    {
        if (_dataKeys.TryGetValue(workspaceId, out var cached)) return cached;
        var stored = await _store.DataKeyAsync(workspaceId, cancellationToken)
            ?? await _store.CreateDataKeyAsync(Wrap(workspaceId, RandomNumberGenerator.GetBytes(KeyBytes)), _time.GetUtcNow(), cancellationToken);
        if (!_all.TryGetValue(stored.MasterKeyId, out var master))
            throw new CryptographicException($"workspace {workspaceId}'s data key is wrapped by master key {stored.MasterKeyId}, which is not configured (set it in PreviousMasterKeys)");
        var plain = Open(master.Key, stored.WrappedKey, "data-key:" + workspaceId);
        if (master != _current) await _store.RewrapDataKeyAsync(workspaceId, master.Id, Wrap(workspaceId, plain), _time.GetUtcNow(), cancellationToken);
        return _dataKeys.GetOrAdd(workspaceId, plain);
    }

    private WrappedDataKey Wrap(string workspaceId, byte[] dataKey) => new(workspaceId, _current.Id, Seal(_current.Key, dataKey, "data-key:" + workspaceId));

    /// <summary>nonce | tag | ciphertext, base64.</summary>
    public static string Seal(byte[] key, byte[] plaintext, string associated)
    {
        var output = new byte[NonceBytes + TagBytes + plaintext.Length];
        var nonce = output.AsSpan(0, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagBytes);
        aes.Encrypt(nonce, plaintext, output.AsSpan(NonceBytes + TagBytes), output.AsSpan(NonceBytes, TagBytes), Encoding.UTF8.GetBytes(associated));
        return Convert.ToBase64String(output);
    }

    public static byte[] Open(byte[] key, string sealedText, string associated)
    {
        byte[] input;
        try
        {
            input = Convert.FromBase64String(sealedText);
        }
        catch (FormatException e)
        {
            throw new CryptographicException("the sealed value is not base64", e);
        }
        if (input.Length < NonceBytes + TagBytes) throw new CryptographicException("the sealed value is too short");
        var plaintext = new byte[input.Length - NonceBytes - TagBytes];
        using var aes = new AesGcm(key, TagBytes);
        aes.Decrypt(input.AsSpan(0, NonceBytes), input.AsSpan(NonceBytes + TagBytes), input.AsSpan(NonceBytes, TagBytes), plaintext, Encoding.UTF8.GetBytes(associated));
        return plaintext;
    }

    private static Master Load(string setting, string text)
    {
        byte[] key;
        try
        {
            key = Convert.FromBase64String(text.Trim());
        }
        catch (FormatException)
        {
            throw new InvalidOperationException($"Panoptic:{setting} must be 32 bytes in base64 (openssl rand -base64 32); the value given is not base64");
        }
        if (key.Length != KeyBytes) throw new InvalidOperationException($"Panoptic:{setting} must be 32 bytes in base64 (openssl rand -base64 32); the value given is {key.Length} bytes");
        return new Master(Convert.ToHexStringLower(SHA256.HashData(key))[..12], key);
    }

    private static string FromFile(ServerOptions options, ILogger logger)
    {
        var path = options.MasterKeyFile ?? Path.Combine(options.DataDirectory, "master.key");
        if (File.Exists(path)) return File.ReadAllText(path);
        if (options.MasterKeyFile is not null) throw new InvalidOperationException($"Panoptic:MasterKeyFile: {path} does not exist");
        Directory.CreateDirectory(options.DataDirectory);
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(KeyBytes));
        try
        {
            // Created empty and private first, so the key is never readable by others even for a moment.
            using (new FileStream(path, FileMode.CreateNew, FileAccess.Write)) { }
        }
        catch (IOException) when (File.Exists(path))
        {
            return File.ReadAllText(path); // another server process created it first
        }
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.WriteAllText(path, key);
        LogCreated(logger, path);
        return key;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Created the gateway master key at {Path}: back it up — provider keys cannot be read without it. Several servers must share one (Panoptic:MasterKey).")]
    private static partial void LogCreated(ILogger logger, string path);
}
