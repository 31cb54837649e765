# The browser extension's identity, in one place: the native host's name, the Chromium id
# (derived from the public "key" in extension/manifest.json; tst_browserintegration checks it)
# and the Firefox id (browser_specific_settings.gecko.id there).
set(BT_NATIVE_HOST_NAME io.github.btfilestream)
set(BT_CHROMIUM_EXTENSION_ID kemfjmbhekgbanoobjihfiaobhdhpokl)
set(BT_GECKO_EXTENSION_ID btfilestream@btfilestream.github.io)

# bt_browser_host_manifests(OUT_DIR HOST_PATH): OUT_DIR/chromium.json and firefox.json from
# browser/hosts/*.json.in.
function(bt_browser_host_manifests out_dir host_path)
    set(BT_HOST_PATH ${host_path})
    foreach(_kind chromium firefox)
        configure_file(${PROJECT_SOURCE_DIR}/browser/hosts/${_kind}.json.in
                       ${out_dir}/${_kind}.json @ONLY)
    endforeach()
endfunction()
