// Types of the vendored build: the same release's declarations, from the npm package the
// type check installs (frontend/package.json pins the version this folder holds).
export * from "idb";
