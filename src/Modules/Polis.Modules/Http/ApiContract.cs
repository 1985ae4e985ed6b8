using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Polis.Client.Api;

namespace Polis.Modules.Http;

/// <summary>
/// What every operation of the OpenAPI document has in common, filled in by transformers so the
/// routes state only what is theirs (<see cref="ApiDocs"/>): the document's info and servers (no
/// trailing slash), that no operation needs credentials, each tag once with its description, one
/// error schema for every 4xx and 5xx, raw-bytes bodies and answers, and the types of the
/// parameters that routes take as text to answer a bad value in their own words.
/// </summary>
public static class ApiContract
{
    /// <summary>
    /// Parameters the routes read as text (to refuse a bad value with their own message) and what
    /// they are. A name means one thing everywhere in the API.
    /// </summary>
    private static readonly Dictionary<string, (JsonSchemaType Type, string Format, string Minimum, string Description)> TextParameters = new()
    {
        ["height"] = (JsonSchemaType.Integer, "int64", "1", "A committed block height (the first block is 1)."),
        ["seq"] = (JsonSchemaType.Integer, "int64", "0", "The reading's sequence number."),
        ["limit"] = (JsonSchemaType.Integer, "int32", "1", "How many to return at most."),
        ["keysBefore"] = (JsonSchemaType.Integer, "int64", "0", "Return the key-history entries before this index (the next page)."),
        ["from"] = (JsonSchemaType.Integer, "int64", "1", "The first height to stream (default: the next one committed)."),
    };

    public static void Configure(OpenApiOptions options, string title, string description)
    {
        options.AddDocumentTransformer((document, context, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = title,
                Version = "v1",
                Description = description,
                License = new OpenApiLicense { Name = "Apache-2.0", Url = new Uri("https://www.apache.org/licenses/LICENSE-2.0") },
            };
            if (document.Servers is { } servers)
                foreach (var server in servers) server.Url = server.Url?.TrimEnd('/');
            // No operation takes credentials: an empty requirement says so (docs/security.md: put a proxy with authentication in front).
            document.Security = [new OpenApiSecurityRequirement()];
            var tags = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (var group in context.DescriptionGroups)
                foreach (var api in group.Items)
                    foreach (var tag in api.ActionDescriptor.EndpointMetadata.OfType<ApiTagDescription>())
                        tags[tag.Name] = tag.Description;
            document.Tags = new HashSet<OpenApiTag>(tags.Select(t => new OpenApiTag { Name = t.Key, Description = t.Value }));
            if (document.Components?.Schemas is { } schemas && schemas.TryGetValue(nameof(ApiError), out var error) && error is OpenApiSchema errorSchema)
            {
                errorSchema.Description = "Every refusal and failure: a message a person can act on, and for some a machine-readable reason.";
                errorSchema.Example = new JsonObject { ["error"] = "height 'abc' is not a positive integer" };
            }
            return Task.CompletedTask;
        });
        options.AddOperationTransformer(async (operation, context, cancel) =>
        {
            TypeTextParameters(operation);
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            foreach (var json in metadata.OfType<ApiJsonBody>())
            {
                var schema = await context.GetOrCreateSchemaAsync(json.Type, null, cancel);
                AddBody(operation, "application/json", schema, json.Description);
            }
            foreach (var body in metadata.OfType<ApiBinaryBody>())
                AddBody(operation, body.ContentType, new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" }, body.Description);
            foreach (var answer in metadata.OfType<ApiBinaryAnswer>()) AddBinaryAnswer(operation, answer);
            DescribeResponses(operation, context);
        });
    }

    private static void TypeTextParameters(OpenApiOperation operation)
    {
        if (operation.Parameters is null) return;
        foreach (var p in operation.Parameters.OfType<OpenApiParameter>())
        {
            if (p.Name is null || !TextParameters.TryGetValue(p.Name, out var known)) continue;
            p.Schema = new OpenApiSchema { Type = known.Type, Format = known.Format, Minimum = known.Minimum };
            p.Description ??= known.Description;
        }
    }

    private static void AddBody(OpenApiOperation operation, string contentType, IOpenApiSchema schema, string description)
    {
        var request = operation.RequestBody as OpenApiRequestBody ?? new OpenApiRequestBody { Required = true, Content = new Dictionary<string, OpenApiMediaType>() };
        request.Content ??= new Dictionary<string, OpenApiMediaType>();
        request.Content[contentType] = new OpenApiMediaType { Schema = schema };
        request.Description = request.Description is null ? $"{contentType}: {description}" : $"{request.Description} Or {contentType}: {description}";
        operation.RequestBody = request;
    }

    private static void AddBinaryAnswer(OpenApiOperation operation, ApiBinaryAnswer answer)
    {
        operation.Responses ??= new OpenApiResponses();
        string status = answer.Status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (!operation.Responses.TryGetValue(status, out var existing) || existing is not OpenApiResponse response)
            operation.Responses[status] = response = new OpenApiResponse { Description = answer.Description };
        response.Content ??= new Dictionary<string, OpenApiMediaType>();
        response.Content[answer.ContentType] = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary", Description = answer.Description } };
    }

    /// <summary>
    /// Error statuses get the error schema; a raw or text answer gets its schema; and every
    /// operation says that it may be refused (4XX: a bad request, a route's limit) or fail (5XX), with the same body.
    /// </summary>
    private static void DescribeResponses(OpenApiOperation operation, OpenApiOperationTransformerContext context)
    {
        operation.Responses ??= new OpenApiResponses();
        foreach (var (status, response) in operation.Responses)
        {
            if (response is not OpenApiResponse r) continue;
            if (string.IsNullOrEmpty(r.Description) || r.Description == "OK") r.Description = Describe(status);
            if (r.Content is null) continue;
            foreach (var (type, media) in r.Content)
            {
                if (media.Schema is not null) continue;
                media.Schema = type == "application/octet-stream" ? new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" }
                    : new OpenApiSchema { Type = JsonSchemaType.String };
            }
        }
        var errorSchema = new OpenApiSchemaReference(nameof(ApiError), context.Document);
        foreach (string range in new[] { "4XX", "5XX" })
        {
            if (operation.Responses.Keys.Any(k => k[0] == range[0])) continue;
            operation.Responses[range] = new OpenApiResponse
            {
                Description = range == "4XX" ? "Refused: the body says why (a bad parameter or body, a limit of this route)." : "The node failed to answer; retry later.",
                Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = errorSchema } },
            };
        }
    }

    private static string Describe(string status) => status switch
    {
        "200" => "OK",
        "202" => "Accepted for inclusion in a block",
        "400" => "Bad request: the body says what is wrong",
        "404" => "Not found",
        "408" => "The request body did not arrive in time",
        "413" => "The request body is too large",
        "415" => "The Content-Type is not one this route takes",
        "429" => "Too many requests from this address; retry after the Retry-After seconds",
        "503" => "Busy; retry shortly",
        _ => $"HTTP {status}",
    };
}
