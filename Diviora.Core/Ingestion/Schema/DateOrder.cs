namespace Diviora.Core.Ingestion.Schema;

/// <summary>The order of day and month that a whole column of slash, dot or dash dates supports.</summary>
public enum DateOrder
{
    /// <summary>
    /// Not a date column of this kind: no value was observed, some value fits neither order, or some values
    /// fit only day-first while others fit only month-first.
    /// </summary>
    None = 0,

    /// <summary>Every value fits day-first (<c>dd/MM/yyyy</c>) and at least one fits only that order.</summary>
    DayFirst,

    /// <summary>Every value fits month-first (<c>MM/dd/yyyy</c>) and at least one fits only that order.</summary>
    MonthFirst,

    /// <summary>Every value fits both orders, so the column alone cannot tell which one was meant.</summary>
    Ambiguous,
}
