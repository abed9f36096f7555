"""The offline HTML pages: one page shell (`shell`) and the run report (`page`), drawn from the
run's story (`story`) and figures (`figures`) of SVG charts (`canvas`, `overlays`, `charts`)."""
