// The first metric every startup bench computes (bench/startup.mjs, startup-steps.mjs,
// startup-browser.mjs): one MeanSquaredError of four elements, and the value it must give.
export const FIRST_METRIC = { preds: [3, 5, 2.5, 7], target: [2.5, 5, 4, 8], value: 0.875 };
