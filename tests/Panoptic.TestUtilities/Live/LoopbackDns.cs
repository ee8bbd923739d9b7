using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Panoptic.TestUtilities.Live;

/// <summary>
/// An authoritative DNS responder on 127.0.0.1, over UDP and TCP on one port, serving a constructed zone: a name it
/// does not hold is NXDOMAIN, a type a held name lacks is an empty NOERROR. Nothing outside the machine is asked.
/// </summary>
public sealed class LoopbackDns : IAsyncDisposable
{
    private readonly DnsZone zone;
    private readonly UdpClient udp;
    private readonly TcpListener tcp;
    private readonly CancellationTokenSource stop = new();
    private readonly Task[] loops;

    public IPEndPoint EndPoint { get; }
    public int Queries => queries;
    private int queries;

    private LoopbackDns(DnsZone zone, UdpClient udp, TcpListener tcp)
    {
        this.zone = zone;
        this.udp = udp;
        this.tcp = tcp;
        EndPoint = (IPEndPoint)udp.Client.LocalEndPoint!;
        loops = [Task.Run(UdpLoopAsync), Task.Run(TcpLoopAsync)];
    }

    public static LoopbackDns Start(DnsZone zone)
    {
        for (var attempt = 0; ; attempt++)
        {
            var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
            var tcp = new TcpListener(IPAddress.Loopback, ((IPEndPoint)udp.Client.LocalEndPoint!).Port);
            try
            {
                tcp.Start();
                return new LoopbackDns(zone, udp, tcp);
            }
            catch (SocketException) when (attempt < 20)
            {
                // The TCP side of that port was taken: try another port.
                udp.Dispose();
            }
        }
    }

    private async Task UdpLoopAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            UdpReceiveResult request;
            try
            {
                request = await udp.ReceiveAsync(stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            if (Answer(request.Buffer) is { } answer) await udp.SendAsync(answer, request.RemoteEndPoint, stop.Token);
        }
    }

    private async Task TcpLoopAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await tcp.AcceptTcpClientAsync(stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            _ = Task.Run(async () =>
            {
                using (client)
                {
                    try
                    {
                        var stream = client.GetStream();
                        var length = new byte[2];
                        while (true)
                        {
                            await stream.ReadExactlyAsync(length, stop.Token);
                            var request = new byte[BinaryPrimitives.ReadUInt16BigEndian(length)];
                            await stream.ReadExactlyAsync(request, stop.Token);
                            if (Answer(request) is not { } answer) return;
                            var framed = new byte[answer.Length + 2];
                            BinaryPrimitives.WriteUInt16BigEndian(framed, (ushort)answer.Length);
                            answer.CopyTo(framed, 2);
                            await stream.WriteAsync(framed, stop.Token);
                        }
                    }
                    catch (Exception e) when (e is EndOfStreamException or IOException or OperationCanceledException or ObjectDisposedException)
                    {
                        // the client hung up
                    }
                }
            });
        }
    }

    /// <summary>The response to one query, or null for a packet that is not one.</summary>
    internal byte[]? Answer(byte[] request)
    {
        if (request.Length < 17) return null;
        Interlocked.Increment(ref queries);
        var position = 12;
        var labels = new List<string>();
        while (position < request.Length && request[position] != 0)
        {
            var length = request[position];
            if (position + 1 + length > request.Length) return null;
            labels.Add(System.Text.Encoding.ASCII.GetString(request, position + 1, length));
            position += 1 + length;
        }
        position++;
        if (position + 4 > request.Length) return null;
        var type = BinaryPrimitives.ReadUInt16BigEndian(request.AsSpan(position));
        var questionEnd = position + 4;
        var name = string.Join('.', labels);
        var exists = zone.Records.TryGetValue(name, out var records) || zone.Records.Keys.Any(k => k.EndsWith("." + name, StringComparison.OrdinalIgnoreCase));
        var answers = records?.Where(r => r.Type == type).ToList() ?? [];

        using var response = new MemoryStream();
        var header = new byte[12];
        request.AsSpan(0, 2).CopyTo(header);
        var recursionDesired = request[2] & 0x01;
        header[2] = (byte)(0x84 | recursionDesired);
        header[3] = (byte)(0x80 | (zone.Authenticated ? 0x20 : 0) | (exists ? 0 : 3));
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(4), 1);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(6), (ushort)answers.Count);
        response.Write(header);
        response.Write(request.AsSpan(12, questionEnd - 12));
        Span<byte> fixedPart = stackalloc byte[12];
        foreach (var (recordType, data) in answers)
        {
            BinaryPrimitives.WriteUInt16BigEndian(fixedPart, 0xC00C);
            BinaryPrimitives.WriteUInt16BigEndian(fixedPart[2..], recordType);
            BinaryPrimitives.WriteUInt16BigEndian(fixedPart[4..], 1);
            BinaryPrimitives.WriteUInt32BigEndian(fixedPart[6..], 60);
            BinaryPrimitives.WriteUInt16BigEndian(fixedPart[10..], (ushort)data.Length);
            response.Write(fixedPart);
            response.Write(data);
        }
        return response.ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        udp.Dispose();
        tcp.Stop();
        await Task.WhenAll(loops);
        stop.Dispose();
    }
}
