export { default } from "@tsupervisord/eslint-config";
