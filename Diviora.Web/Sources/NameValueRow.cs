namespace Diviora.Web.Sources;

/// <summary>One row of a name → value list in a form: a header, or a rename from a record's field to a column.</summary>
public sealed class NameValueRow
{
    public string Name { get; set; } = "";

    public string Value { get; set; } = "";

    /// <summary>A row left blank is not sent.</summary>
    public bool IsBlank => string.IsNullOrWhiteSpace(Name) && string.IsNullOrWhiteSpace(Value);
}
