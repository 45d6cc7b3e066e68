export { isAtomicTempName, removeLeftoverTempFiles, writeFileAtomic } from "./atomic-write.ts";
export { isDocumentId } from "./document-id.ts";
export { FilesError, type FilesErrorKind } from "./files-error.ts";
export { listFolder, type FolderListing } from "./folder-listing.ts";
export { loadHostPort, saveHostPort } from "./host-port.ts";
export { loadPageBuild, savePageBuild } from "./page-build.ts";
export { maxRecentFiles } from "./recent-files.ts";
export { defaultSettings, loadSettings } from "./settings.ts";
export { maxSnippetBytes } from "./snippet-names.ts";
export { starterSnippet } from "./starter-snippet.ts";
export { windowTitle } from "./window-title.ts";
export { openRecordingWithDialog, recordingFileTypes } from "./recording-open.ts";
export {
  openWorkspaceFiles,
  type FileChange,
  type FileDialogs,
  type WorkspaceFiles,
  type WorkspaceFilesOptions,
} from "./workspace-files.ts";
