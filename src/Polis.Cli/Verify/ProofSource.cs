namespace Polis.Cli.Verify;

/// <summary>
/// Reads a proof document from a file or an http(s) URL, never more than a bound (one byte past it,
/// so the verifier can say the document is too large) and, for a URL, within a timeout.
/// </summary>
internal static class ProofSource
{
    public static bool IsUrl(string source) =>
        Uri.TryCreate(source, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static async Task<byte[]> ReadFileAsync(string path, int bytesMax, CancellationToken cancel)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"proof file {path} does not exist", path);
        await using var stream = File.OpenRead(path);
        return await ReadBoundedAsync(stream, bytesMax, cancel);
    }

    /// <exception cref="IOException">The server could not be reached, refused, timed out or sent too much.</exception>
    public static async Task<byte[]> FetchAsync(string url, int bytesMax, TimeSpan timeout, CancellationToken cancel)
    {
        using var http = new HttpClient { Timeout = timeout };
        try
        {
            using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancel);
            if (!response.IsSuccessStatusCode) throw new IOException($"{url} answered HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
            await using var stream = await response.Content.ReadAsStreamAsync(cancel);
            return await ReadBoundedAsync(stream, bytesMax, cancel);
        }
        catch (HttpRequestException e)
        {
            throw new IOException($"could not fetch {url}: {e.Message}", e);
        }
        catch (TaskCanceledException) when (!cancel.IsCancellationRequested)
        {
            throw new IOException($"could not fetch {url}: no answer within {timeout.TotalSeconds:0} s");
        }
    }

    /// <summary>Reads at most <paramref name="bytesMax"/> + 1 bytes: enough to tell that a document is too large without holding all of it.</summary>
    private static async Task<byte[]> ReadBoundedAsync(Stream stream, int bytesMax, CancellationToken cancel)
    {
        var buffer = new byte[bytesMax + 1];
        int length = 0;
        while (length < buffer.Length)
        {
            int read = await stream.ReadAsync(buffer.AsMemory(length), cancel);
            if (read == 0) break;
            length += read;
        }
        return buffer[..length];
    }
}
