declare module "three";
