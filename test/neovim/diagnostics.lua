-- Drives Mesh Lens's language server from Neovim (0.7+, headless) and writes what Neovim received
-- to a JSON file. Environment: MESH_LENS_SERVER (dist/server.js), MESH_LENS_ROOT (workspace),
-- MESH_LENS_OPEN (a file to open, relative to the root), MESH_LENS_OUT (result file); optionally
-- MESH_LENS_SETTINGS (JSON: the `meshLens` settings, given as init_options as Neovim 0.7 users
-- do) and MESH_LENS_NEW_SETTINGS (JSON: settings then sent with workspace/didChangeConfiguration).
local server = os.getenv('MESH_LENS_SERVER')
local root = os.getenv('MESH_LENS_ROOT')
local out = os.getenv('MESH_LENS_OUT')
local open = root .. '/' .. os.getenv('MESH_LENS_OPEN')

local function setting(name)
  local json = os.getenv(name)
  if json == nil or json == '' then return nil end
  return vim.fn.json_decode(json)
end
local settings = setting('MESH_LENS_SETTINGS')

local received = {}
local last_publish = 0
local client_id = vim.lsp.start_client({
  name = 'mesh-lens',
  cmd = { 'node', server, '--stdio' },
  root_dir = root,
  init_options = settings and { meshLens = settings } or nil,
  workspace_folders = { { uri = vim.uri_from_fname(root), name = 'example' } },
  handlers = {
    ['textDocument/publishDiagnostics'] = function(err, result, ctx, config)
      received[result.uri] = result.diagnostics
      last_publish = vim.loop.now()
      return vim.lsp.diagnostic.on_publish_diagnostics(err, result, ctx, config)
    end,
  },
})

vim.cmd('edit ' .. vim.fn.fnameescape(open))
vim.bo.filetype = 'yaml'
vim.lsp.buf_attach_client(0, client_id)

-- Diagnostics arrive for every file of the workspace that has findings, opened or not (the
-- server sends no empty list for a file that never had any).
local function count()
  local n = 0
  for _ in pairs(received) do n = n + 1 end
  return n
end
vim.wait(20000, function() return count() >= 3 end, 50)

local hover
vim.lsp.buf_request(0, 'textDocument/hover', {
  textDocument = { uri = vim.uri_from_bufnr(0) },
  position = { line = 3, character = 10 },
}, function(_, result) hover = result or vim.NIL end)
vim.wait(10000, function() return hover ~= nil end, 50)

local diagnostics = {}
for uri, list in pairs(received) do
  local entries = {}
  for _, d in ipairs(list) do
    table.insert(entries, { code = d.code, line = d.range.start.line, severity = d.severity, message = d.message })
  end
  diagnostics[string.sub(uri, #vim.uri_from_fname(root) + 2)] = entries
end
local buffer = {}
for _, d in ipairs(vim.diagnostic.get(0)) do table.insert(buffer, { code = d.code, lnum = d.lnum }) end

-- New settings, pushed as Neovim pushes them: the diagnostics they change are published again.
local after_change = vim.NIL
local new_settings = setting('MESH_LENS_NEW_SETTINGS')
if new_settings then
  local before = vim.fn.json_encode(received)
  vim.lsp.get_client_by_id(client_id).notify('workspace/didChangeConfiguration', { settings = { meshLens = new_settings } })
  vim.wait(10000, function() return vim.fn.json_encode(received) ~= before end, 50)
  -- A change republishes every file, one notification each: wait until they stop coming.
  vim.wait(10000, function() return vim.loop.now() - last_publish > 500 end, 50)
  after_change = {}
  for uri, list in pairs(received) do
    local entries = {}
    for _, d in ipairs(list) do table.insert(entries, { code = d.code, severity = d.severity }) end
    after_change[string.sub(uri, #vim.uri_from_fname(root) + 2)] = entries
  end
end

vim.fn.writefile({ vim.fn.json_encode({ diagnostics = diagnostics, hover = hover, openBuffer = buffer, afterChange = after_change }) }, out)
vim.lsp.stop_client(client_id)
vim.cmd('qa!')
