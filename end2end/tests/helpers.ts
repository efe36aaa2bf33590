// Shared by the specs (a spec must not import another spec).

// The admin password the first-admin setup creates on each test server.
export const PASSWORD = 'playwright admin password';
