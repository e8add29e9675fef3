namespace Diviora.Core.Catalog;

/// <summary>What <see cref="Run.StartedBy"/> says for runs that no person started.</summary>
public static class RunStarters
{
    /// <summary>A source's schedule fired.</summary>
    public const string Schedule = "schedule";

    /// <summary>A file arrived in a drop zone.</summary>
    public const string DropZone = "drop zone";

    /// <summary>The longest name kept of who started a run or changed a definition; longer names are cut.</summary>
    public const int MaxLength = 200;
}
