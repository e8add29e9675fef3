// The browser's IANA time zone (Europe/Berlin), so the server can show times where the person is.
window.divioraTimeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;
