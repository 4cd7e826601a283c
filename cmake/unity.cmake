# Unity builds (`make`, `make test` and `make npm` turn them on; a plain `cmake` configure leaves
# them off for edit-compile loops): the core's .cpp files are compiled in batches, one compiler run
# per batch, so xtensor, xtl and the standard library are parsed, and their shared templates
# instantiated and optimised, once per batch instead of once per file. A batch holds at most
# WASMETRICS_UNITY_BATCH files of one folder (one metric family), spread evenly; files of different
# folders never share a batch. Files of one folder must therefore not define the same file-local
# (anonymous namespace) name: share the helper through the folder's header instead.
option(WASMETRICS_UNITY "compile the core's sources in unity batches (one compiler run per batch)" OFF)
set(WASMETRICS_UNITY_BATCH 8 CACHE STRING "unity builds: at most this many .cpp files of one folder per batch")

function(wasmetrics_unity_build target)
  if(NOT WASMETRICS_UNITY)
    return()
  endif()
  get_target_property(sources ${target} SOURCES)
  list(SORT sources)
  # files per folder, to spread each folder over ceil(files / batch) even batches
  foreach(src IN LISTS sources)
    get_filename_component(dir "${src}" DIRECTORY)
    string(MAKE_C_IDENTIFIER "${dir}" key)
    if(NOT DEFINED count_${key})
      set(count_${key} 0)
    endif()
    math(EXPR count_${key} "${count_${key}} + 1")
  endforeach()
  set(previous "")
  foreach(src IN LISTS sources)
    get_filename_component(dir "${src}" DIRECTORY)
    string(MAKE_C_IDENTIFIER "${dir}" key)
    if(NOT key STREQUAL previous)
      set(previous "${key}")
      set(index 0)
    endif()
    math(EXPR batches "(${count_${key}} + ${WASMETRICS_UNITY_BATCH} - 1) / ${WASMETRICS_UNITY_BATCH}")
    math(EXPR batch "${index} * ${batches} / ${count_${key}}")
    get_filename_component(folder "${dir}" NAME)
    set_source_files_properties("${src}" PROPERTIES UNITY_GROUP "${folder}_${batch}")
    math(EXPR index "${index} + 1")
  endforeach()
  set_target_properties(${target} PROPERTIES UNITY_BUILD ON UNITY_BUILD_MODE GROUP)
endfunction()
