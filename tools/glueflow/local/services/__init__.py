"""The local runtime's long-lived services: the endpoint host (`serve`), the cron scheduler and the upload watcher."""
