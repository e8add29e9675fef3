// Sends a file the person picked straight to the Web over HTTP (POST /upload/datasets/{dataset}), not through the
// page's circuit, and reports how much of it has gone a few times a second.

const ReportEveryMs = 250;

/**
 * Uploads the file called `name` (of `size` bytes) from the file input `inputId` to `url` as the form field "file".
 * Resolves with the answer, { status, body }; status 0 when the browser could not send it (body says why).
 */
export function upload(inputId, name, size, url, progress) {
    return new Promise(resolve => {
        const input = document.getElementById(inputId);
        const file = input && Array.from(input.files ?? []).find(f => f.name === name && f.size === size);
        if (!file) {
            resolve({ status: 0, body: `The browser no longer has ${name}; choose it again.` });
            return;
        }

        const form = new FormData();
        form.append("file", file, file.name);
        const request = new XMLHttpRequest();
        let reported = 0;
        request.upload.onprogress = e => {
            const now = performance.now();
            if (!e.lengthComputable || now - reported < ReportEveryMs) {
                return;
            }

            reported = now;
            // The form is a little larger than the file: report the file's share of what was sent.
            // A report that cannot arrive means the page is gone, so the upload stops too.
            progress.invokeMethodAsync("SentAsync", Math.floor(size * e.loaded / e.total)).catch(() => request.abort());
        };
        request.onload = () => resolve({ status: request.status, body: request.responseText });
        request.onerror = () => resolve({ status: 0, body: `The browser could not send ${name}: the connection to Diviora failed.` });
        request.onabort = () => resolve({ status: 0, body: `The upload of ${name} was stopped.` });
        request.open("POST", url);
        // A form on another site cannot send this header; the Web refuses an upload without it.
        request.setRequestHeader("X-Diviora-Upload", "1");
        request.send(form);
    });
}
