using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Polis.Client.Api;

namespace Polis.Modules.Http;

/// <summary>A tag's description, carried by the routes of the tag (the document lists each tag once, described).</summary>
public sealed record ApiTagDescription(string Name, string Description);

/// <summary>An answer of raw bytes besides the JSON one, for the same status (the client picks by a parameter).</summary>
public sealed record ApiBinaryAnswer(int Status, string ContentType, string Description);

/// <summary>
/// A JSON request body the handler reads itself. Not the framework's Accepts metadata: that makes
/// routing refuse every other content type, and these routes take raw bytes too and answer a wrong
/// content type in their own words.
/// </summary>
public sealed record ApiJsonBody(Type Type, string Description);

/// <summary>A request body of raw bytes, besides (or instead of) a JSON one.</summary>
public sealed record ApiBinaryBody(string ContentType, string Description);

/// <summary>
/// How routes describe themselves in the OpenAPI document, which is the API's contract: a tag, a
/// summary and description, the typed answer, and the error statuses it may give (every error is
/// an <see cref="ApiError"/>). <see cref="ApiContract"/> fills in what is common to all.
/// </summary>
public static class ApiDocs
{
    /// <summary>Tag, summary, description and operation id.</summary>
    public static RouteHandlerBuilder Describe(this RouteHandlerBuilder route, string operationId, ApiTagDescription tag, string summary, string description) =>
        route.WithName(operationId).WithTags(tag.Name).WithMetadata(tag).WithSummary(summary).WithDescription(description);

    /// <summary>Summary, description and operation id of a module's route (its group carries the module's tag).</summary>
    public static RouteHandlerBuilder Describe(this RouteHandlerBuilder route, string operationId, string summary, string description) =>
        route.WithName(operationId).WithSummary(summary).WithDescription(description);

    /// <summary>A JSON answer of <typeparamref name="T"/> with <paramref name="status"/> (200 by default).</summary>
    public static RouteHandlerBuilder Answers<T>(this RouteHandlerBuilder route, int status = StatusCodes.Status200OK) =>
        route.Produces<T>(status, "application/json");

    /// <summary>The error statuses the route gives, each with an <see cref="ApiError"/> body.</summary>
    public static RouteHandlerBuilder Errors(this RouteHandlerBuilder route, params int[] statuses)
    {
        foreach (int status in statuses) route.Produces<ApiError>(status, "application/json");
        return route;
    }

    /// <summary>Raw bytes as another answer with status 200 (beside the JSON one).</summary>
    public static RouteHandlerBuilder AlsoAnswersBytes(this RouteHandlerBuilder route, string contentType, string description) =>
        route.WithMetadata(new ApiBinaryAnswer(StatusCodes.Status200OK, contentType, description));

    /// <summary>A JSON request body of <typeparamref name="T"/>, read by the handler.</summary>
    public static RouteHandlerBuilder TakesJson<T>(this RouteHandlerBuilder route, string description) =>
        route.WithMetadata(new ApiJsonBody(typeof(T), description));

    /// <summary>A raw-bytes request body (<paramref name="contentType"/>).</summary>
    public static RouteHandlerBuilder TakesBytes(this RouteHandlerBuilder route, string contentType, string description) =>
        route.WithMetadata(new ApiBinaryBody(contentType, description));
}
